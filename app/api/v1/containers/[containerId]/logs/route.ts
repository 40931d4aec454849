import { Readable } from "node:stream";
import { authedRoute } from "@/lib/api/route";
import { logLinesAsEvents } from "@/lib/api/sse";
import { containerLogs } from "@/lib/services/containers";
import { logsQuerySchema } from "@/lib/schemas/container";
import { parseInput } from "@/lib/validation";

export const dynamic = "force-dynamic";

/**
 * Plain text (terminal escape sequences removed unless raw=true), or with follow=true a
 * Server-Sent Events stream: one event per log line, then `event: end` whose data says why
 * it ended (the container stopped, or the caller's access ended). A follow holds one of the
 * caller's open-stream slots: 429 rate_limited past the limit.
 */
export const GET = authedRoute<{ containerId: string }>(async (actor, req, { containerId }) => {
  const query = parseInput(logsQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  const logs = await containerLogs(actor, containerId, query, req.signal);
  if (!query.follow) {
    return new Response(Readable.toWeb(logs) as ReadableStream<Uint8Array>, {
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  return new Response(logLinesAsEvents(logs, req.signal), {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no" },
  });
});
