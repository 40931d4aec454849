import { json, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { consoleSocketBase, openConsole } from "@/lib/services/console";

/** A console session's WebSocket URL with a single-use ticket (api-v1.md "Console"); an empty body is fine. */
export const POST = authedRoute<{ containerId: string }>(async (actor, req, { containerId }) => {
  const body = req.headers.get("content-length") === "0" || !req.body ? {} : await readJson(req);
  return json(await openConsole(actor, containerId, body, consoleSocketBase(req.headers)), 201);
});
