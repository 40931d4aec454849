import { authedRoute } from "@/lib/api/route";
import { framedEventsAsEvents } from "@/lib/api/sse";
import { containerStatesQuerySchema } from "@/lib/schemas/container";
import { followContainerStates } from "@/lib/services/container-states";
import { parseInput } from "@/lib/validation";

export const dynamic = "force-dynamic";

/**
 * A text/event-stream of the tenant's containers' states (or one container's, with
 * containerId): `event: state` with a ContainerState for each container at once and for each
 * change, `event: removed` with `{ "id" }`, and `event: end` whose data says why it ended.
 * A GET, so the pages read it with the session cookie; it holds one open-stream slot.
 */
export const GET = authedRoute<{ tenantId: string }>(async (actor, req, { tenantId }) => {
  const query = parseInput(containerStatesQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  const states = await followContainerStates(actor, tenantId, query, req.signal);
  return new Response(framedEventsAsEvents(states, req.signal), {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no" },
  });
});
