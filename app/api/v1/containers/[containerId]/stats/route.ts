import { json } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { containerStats } from "@/lib/services/containers";

export const GET = authedRoute<{ containerId: string }>(async (actor, _req, { containerId }) =>
  json(await containerStats(actor, containerId), 200, { "Cache-Control": "no-store" }),
);
