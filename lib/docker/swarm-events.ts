import "server-only";
import { configuredNodeIds, managerDocker, nodeDocker } from "@/lib/docker/client";
import { followEventStream } from "@/lib/docker/event-stream";
import { LABEL } from "@/lib/docker/labels";

/** What the reconciler needs of one engine event; "resync" asks it for a full re-read. */
export interface SwarmWorkloadEvent {
  action: string;
  dockerId: string;
  berthId?: string;
  tenantId?: string;
  timeNano: number;
}

// Container actions on a node that change what Berth shows (exec_* is the probe's own noise).
const CONTAINER_ACTIONS = ["start", "die", "oom", "kill", "stop", "destroy", "health_status"];
const NODE_RETRY_MS = 2_000;
const RESETTLE_MS = [5_000, 15_000];

/**
 * Follows one node's container events for as long as the manager's stream lives. A node
 * whose engine is down is retried every few seconds; when its stream comes back, a full
 * re-read is asked for (what happened on it meanwhile was not seen).
 */
async function followNode(nodeId: string, onEvent: (event: SwarmWorkloadEvent) => void, signal: AbortSignal): Promise<void> {
  let missed = false;
  while (!signal.aborted) {
    try {
      await followEventStream(
        nodeDocker(nodeId),
        { type: ["container"], label: [`${LABEL.managed}=true`], event: CONTAINER_ACTIONS },
        (raw) => {
          const a = raw.Actor?.Attributes ?? {};
          const serviceId = a["com.docker.swarm.service.id"];
          if (!serviceId) return; // Berth's own helpers on a node are not workloads
          // A task container's destroy is Swarm pruning its history, not the service going away.
          const action = (raw.Action ?? "").split(":")[0];
          onEvent({
            action: action === "destroy" ? "container-destroy" : action,
            dockerId: serviceId,
            berthId: a[LABEL.id],
            tenantId: a[LABEL.tenant],
            timeNano: raw.timeNano ?? 0,
          });
        },
        signal,
        () => {
          if (missed) {
            // A daemon that just came back rejoins the Swarm and restarts tasks for a while,
            // and not every start of that phase reaches a fresh subscription (seen here):
            // re-read now and twice more while it settles.
            for (const delay of [0, ...RESETTLE_MS]) {
              const timer = setTimeout(() => {
                if (!signal.aborted) onEvent({ action: "resync", dockerId: "", timeNano: Date.now() * 1e6 });
              }, delay);
              timer.unref();
            }
          }
          missed = false;
        },
      );
    } catch {
      // The node's engine does not answer (its daemon is down).
    }
    if (signal.aborted) return;
    missed = true;
    await new Promise((r) => setTimeout(r, NODE_RETRY_MS));
  }
}

/**
 * Swarm's events for the reconciler: the manager's service and node events, and each
 * node's container events (a manager does not report a worker's containers). Resolves when
 * the manager's stream ends, like the single engine's stream.
 */
export async function followSwarmEvents(onEvent: (event: SwarmWorkloadEvent) => void, signal: AbortSignal): Promise<void> {
  const local = new AbortController();
  const stop = () => local.abort();
  signal.addEventListener("abort", stop);
  const manager = followEventStream(
    managerDocker(),
    { type: ["service", "node"] },
    (raw) => {
      const time = raw.timeNano ?? 0;
      if (raw.Type === "node") {
        // A node drained, activated or relabelled: its tasks move; re-read everything. (Its
        // going down or coming back raises no event here; each node's own stream tells that.)
        // Tasks move for a while after it: re-read now and while they settle.
        for (const delay of [0, ...RESETTLE_MS]) {
          const timer = setTimeout(() => {
            if (!local.signal.aborted) onEvent({ action: "resync", dockerId: "", timeNano: time });
          }, delay);
          timer.unref();
        }
        return;
      }
      const id = raw.Actor?.ID ?? "";
      onEvent({ action: raw.Action === "remove" ? "destroy" : (raw.Action ?? ""), dockerId: id, timeNano: time });
    },
    local.signal,
  );
  const nodes = configuredNodeIds().map((id) => followNode(id, onEvent, local.signal));
  try {
    await manager;
  } finally {
    local.abort();
    signal.removeEventListener("abort", stop);
    await Promise.all(nodes);
  }
}
