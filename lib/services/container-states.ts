import "server-only";
import { Readable } from "node:stream";
import type { Actor } from "@/lib/auth/actor";
import { actorNow } from "@/lib/auth/actor-now";
import { assertCanReadTenant } from "@/lib/authz";
import { ServiceError, notFound } from "@/lib/errors";
import { containerStateOf, type ContainerState } from "@/lib/schemas/container";
import { listContainers } from "@/lib/services/containers";
import { guardStream, type EndingStream } from "@/lib/streams/guarded-stream";
import { admitStream } from "@/lib/streams/open-streams";

/**
 * How often an open states stream reads the tenant's containers again.
 *
 * Why a short poll and not a notifier the reconciler calls: the container rows are written by
 * the reconciler (engine events), but also by the start/stop/restart/remove services and by
 * launches, in whichever portal process served that request, and only the lease holder runs
 * the reconciler (architecture.md plans several portal replicas on one database). An
 * in-process notifier would miss every write made in another process; the rows are the one
 * place every writer meets. The poll is one indexed query of the tenant's rows (the same
 * read as the dashboard, so the stream cannot disagree with a reload), it sends only what
 * changed, and the number of polls is bounded by the open-stream limits per user and tenant.
 * Two seconds keeps a status change visible "at once" to a person at a fraction of the cost.
 */
export const STATES_POLL_MS = 2000;

export const CONTAINER_REMOVED_REASON = "The container was removed.";
export const TENANT_ACCESS_ENDED_REASON = "You can no longer see this tenant's containers: your access to it ended.";

/** The states as one SSE event each; the JSON has no newline, so it is one `data:` field. */
const stateEvent = (state: ContainerState) => `event: state\ndata: ${JSON.stringify(state)}\n\n`;
const removedEvent = (id: string) => `event: removed\ndata: ${JSON.stringify({ id })}\n\n`;

/** Why `actor` may no longer read this tenant's containers (as a new request would be refused), or null. */
async function tenantAccessEndedReason(actor: Actor, tenantId: string): Promise<string | null> {
  const now = await actorNow(actor);
  if ("ended" in now) return now.ended;
  try {
    assertCanReadTenant(now.actor, tenantId);
    return null;
  } catch (error) {
    if (error instanceof ServiceError) return TENANT_ACCESS_ENDED_REASON;
    throw error;
  }
}

/**
 * The live state of a tenant's containers (or of one, with `containerId`) as Server-Sent
 * Events: `state` for every container when the stream opens, then a `state` for each one
 * whose status, exit code, OOM flag or health changed (a new container included) and
 * `removed` for one that is gone. Reads only. Like a followed log it holds one of the
 * caller's open-stream slots (`rate_limited` past the limit), is re-checked every
 * BERTH_STREAM_RECHECK_MS and ends, saying why, once the caller may no longer see the
 * tenant; the one-container stream also ends when its container is removed.
 */
export async function followContainerStates(
  actor: Actor,
  tenantId: string,
  options: { containerId?: string } = {},
  signal?: AbortSignal,
): Promise<EndingStream> {
  assertCanReadTenant(actor, tenantId);
  const { containerId } = options;
  const read = async () => {
    const containers = await listContainers(actor, tenantId);
    return new Map((containerId ? containers.filter((c) => c.id === containerId) : containers).map((c) => [c.id, containerStateOf(c)]));
  };
  // Read before a slot is taken: an unknown container, another tenant's or an unreachable
  // engine is refused as the same request without the stream would be.
  const initial = await read();
  if (containerId && !initial.has(containerId)) throw notFound("Container");

  const lease = admitStream({ userId: actor.userId, tenantId });
  let endReason = CONTAINER_REMOVED_REASON;
  let polling = false;
  const source = new Readable({ read() {} });
  const sent = new Map([...initial].map(([id, state]) => [id, JSON.stringify(state)]));
  source.push([...initial.values()].map(stateEvent).join(""));

  const poll = async () => {
    if (polling || source.destroyed) return;
    polling = true;
    try {
      const now = await read();
      const gone = [...sent.keys()].filter((id) => !now.has(id));
      if (gone.length) {
        // A member whose membership ended reads no rows any more: that is the end of their
        // access, not every container being removed.
        const ended = await tenantAccessEndedReason(actor, tenantId);
        if (ended) {
          endReason = ended;
          source.push(null);
          return;
        }
      }
      let events = "";
      for (const [id, state] of now) {
        const json = JSON.stringify(state);
        if (sent.get(id) !== json) events += stateEvent(state);
        sent.set(id, json);
      }
      for (const id of gone) {
        events += removedEvent(id);
        sent.delete(id);
      }
      if (events && !source.destroyed) source.push(events);
      if (containerId && !now.has(containerId)) source.push(null);
    } catch (error) {
      // An engine that cannot be reached for a moment (or a busy database) is not the end of
      // the stream: the last states stand and the next poll tries again.
      if (!(error instanceof ServiceError && error.code === "daemon_unavailable")) {
        console.error("[states] poll failed:", error instanceof Error ? error.message : error);
      }
    } finally {
      polling = false;
    }
  };
  const timer = setInterval(() => void poll(), STATES_POLL_MS);
  timer.unref();
  source.once("close", () => clearInterval(timer));

  try {
    return guardStream(source, {
      lease,
      signal,
      sourceEndReason: () => endReason,
      recheck: () => tenantAccessEndedReason(actor, tenantId),
    });
  } catch (error) {
    clearInterval(timer);
    lease.release();
    throw error;
  }
}
