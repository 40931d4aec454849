import { assertSameOrigin, errorResponse, json, readJson } from "@/lib/api/respond";
import { getSessionActor } from "@/lib/auth/session";
import { addCatalogImage } from "@/lib/services/images";
import { admitStream, type StreamLease } from "@/lib/streams/open-streams";

/**
 * The Add image form's door: the same addCatalogImage as POST /api/v1/images, answered as
 * NDJSON so the browser can draw the pull's progress while it happens. One line per
 * event: {type:"progress",…}, then {type:"done",image} or {type:"error",error}.
 *
 * It takes the session cookie for a write, which /api/v1 never does, so it only accepts
 * requests the browser marks as coming from the portal's own pages (assertSameOrigin), and
 * only an exact application/json body. The stream holds one of the admin's open-stream
 * slots (429 past the limit) until the pull ends, even if the browser leaves first.
 */
export async function POST(req: Request): Promise<Response> {
  const actor = await getSessionActor();
  if (!actor) return json({ error: { code: "unauthorized", message: "Your session has ended. Sign in again." } }, 401);
  let input: unknown;
  let lease: StreamLease;
  try {
    assertSameOrigin(req);
    input = await readJson(req);
    lease = admitStream({ userId: actor.userId });
  } catch (error) {
    return errorResponse(error);
  }

  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      const send = (line: object) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(JSON.stringify(line) + "\n"));
        } catch {
          // The browser went away; the pull and the catalog entry still complete.
          open = false;
        }
      };
      try {
        const image = await addCatalogImage(actor, input, (progress) => send({ type: "progress", ...progress }));
        send({ type: "done", image });
      } catch (error) {
        // The same error body /api/v1 would answer with (internal errors get a request id).
        const { error: body } = (await errorResponse(error).json()) as { error: object };
        send({ type: "error", error: body });
      } finally {
        lease.release();
        if (open) controller.close();
      }
    },
  });
  return new Response(body, {
    headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no" },
  });
}
