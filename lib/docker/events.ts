import "server-only";
import { engineDocker as docker } from "@/lib/docker/engine-client";
import { engineKind } from "@/lib/docker/engine-config";
import { followEventStream } from "@/lib/docker/event-stream";
import { LABEL } from "@/lib/docker/labels";
import { followSwarmEvents } from "@/lib/docker/swarm-events";

export interface WorkloadEvent {
  /**
   * Docker's action: create, start, die, oom, kill, stop, restart, destroy, update, health_status: …
   * On Swarm also "resync" (a node changed or a node's stream came back: re-read everything)
   * and "container-destroy" (a task's container pruned; the service lives on).
   */
  action: string;
  dockerId: string;
  berthId?: string;
  tenantId?: string;
  timeNano: number;
}

// Only the actions that change what Berth shows; exec_* and attach events are noise here.
const ACTIONS = ["start", "die", "oom", "kill", "stop", "restart", "destroy", "update", "pause", "unpause", "health_status"];

/**
 * Follows the engine's event stream for Berth-managed containers until the stream ends or
 * `signal` aborts. Resolves when the stream closes (e.g. the daemon restarted), so the
 * caller decides how to reconnect; rejects when the engine cannot be reached at all.
 */
export async function followWorkloadEvents(onEvent: (event: WorkloadEvent) => void, signal: AbortSignal): Promise<void> {
  if (engineKind() === "swarm") return followSwarmEvents(onEvent, signal);
  await followEventStream(
    docker(),
    { type: ["container"], label: [`${LABEL.managed}=true`], event: ACTIONS },
    (raw) => {
      const attributes = raw.Actor?.Attributes ?? {};
      onEvent({
        action: (raw.Action ?? "").split(":")[0],
        dockerId: raw.Actor?.ID ?? raw.id ?? "",
        berthId: attributes[LABEL.id],
        tenantId: attributes[LABEL.tenant],
        timeNano: raw.timeNano ?? 0,
      });
    },
    signal,
  );
}

export interface ManagedObject {
  name: string;
  tenantId: string;
}

/** Berth-labelled volumes and networks, for the orphan report. */
export async function listManagedVolumesAndNetworks(): Promise<{ volumes: ManagedObject[]; networks: ManagedObject[] }> {
  const filters = { label: [`${LABEL.managed}=true`] };
  const [volumes, networks] = await Promise.all([docker().listVolumes({ filters }), docker().listNetworks({ filters })]);
  return {
    volumes: (volumes.Volumes ?? []).map((v) => ({ name: v.Name, tenantId: v.Labels?.[LABEL.tenant] ?? "" })),
    // The edge's own network belongs to Berth, not to a tenant (lib/docker/edge.ts).
    networks: networks.filter((n) => n.Labels?.[LABEL.role] !== "edge").map((n) => ({ name: n.Name, tenantId: n.Labels?.[LABEL.tenant] ?? "" })),
  };
}
