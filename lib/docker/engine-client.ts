import "server-only";
import type Dockerode from "dockerode";
import { docker, managerDocker, nodeDocker } from "@/lib/docker/client";
import { engineKind } from "@/lib/docker/engine-config";
import { listSwarmNodes, volumeNodeOf } from "@/lib/docker/swarm-tasks";
import { LABEL } from "@/lib/docker/labels";

/**
 * The engine that holds Berth's cluster-wide objects: the single engine, or on Swarm the
 * manager (tenant overlays, services, the edge container, the event stream).
 */
export function engineDocker(): Dockerode {
  return engineKind() === "swarm" ? managerDocker() : docker();
}

/**
 * The engine that holds a tenant volume. Swarm volumes are local to one node: the node
 * whose engine has the volume, or null when no node has it.
 */
export async function volumeEngine(dockerName: string): Promise<Dockerode | null> {
  if (engineKind() !== "swarm") return docker();
  const node = await volumeNodeOf(dockerName);
  return node ? nodeDocker(node) : null;
}

/**
 * Where a new volume goes on Swarm: the eligible, ready, active node that already holds
 * the fewest of Berth's volumes (a container mounting it is then pinned there).
 */
export async function engineForNewVolume(): Promise<Dockerode> {
  if (engineKind() !== "swarm") return docker();
  const nodes = (await listSwarmNodes()).filter((n) => n.state === "ready" && n.availability === "active" && n.eligible);
  let best: { engine: Dockerode; count: number } | null = null;
  for (const n of nodes) {
    const engine = nodeDocker(n.id);
    const count = await engine
      .listVolumes({ filters: { label: [`${LABEL.managed}=true`] } })
      .then((v) => (v.Volumes ?? []).length)
      .catch(() => Number.POSITIVE_INFINITY);
    if (best === null || count < best.count) best = { engine, count };
  }
  if (best === null || best.count === Number.POSITIVE_INFINITY) return managerDocker();
  return best.engine;
}
