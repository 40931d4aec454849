import "server-only";
import type Dockerode from "dockerode";
import { toServiceError } from "@/lib/docker/errors";
import { inspectWorkload, locateWorkload } from "@/lib/docker/workloads";
import { ServiceError } from "@/lib/errors";

export interface WorkloadStats {
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  pids: number;
  netRxBytes: number;
  netTxBytes: number;
}

/** A stopped container's figures: nothing used, its limit still set. */
const noUsage = (memoryLimitBytes: number): WorkloadStats => ({
  cpuPercent: 0,
  memoryBytes: 0,
  memoryLimitBytes,
  pids: 0,
  netRxBytes: 0,
  netTxBytes: 0,
});

/**
 * One sample of a container's resource use (the API's Stats shape). A stopped container
 * uses nothing: zeros and its limit. The container can stop or be removed between the
 * inspect and the sample (the engine then answers 404/409, closes the connection, or sends
 * a sample without CPU figures); the answer is then what a second inspect says: gone is
 * `not_found`, stopped is the zeros, never a server error.
 */
export async function workloadStats(tenantId: string, dockerId: string): Promise<WorkloadStats> {
  // The engine that holds the container: on Swarm, the node its task runs on.
  const located = await locateWorkload(tenantId, dockerId);
  if (!located) {
    // On Swarm a service whose task has no container now (stopped, being placed) uses nothing.
    const known = await inspectWorkload(tenantId, dockerId);
    if (!known) throw new ServiceError("not_found", "Container was not found.");
    return noUsage(known.HostConfig.Memory ?? 0);
  }
  const info = located.info;
  if (!info.State.Running) return noUsage(info.HostConfig.Memory ?? 0);
  let sample: Dockerode.ContainerStats | undefined;
  let failure: unknown;
  try {
    sample = (await located.engine.getContainer(located.containerId).stats({ stream: false })) as Dockerode.ContainerStats;
  } catch (error) {
    failure = error;
  }
  if (sample && isLiveSample(sample)) return statsFromSample(sample);
  const now = await inspectWorkload(tenantId, dockerId);
  if (!now) throw new ServiceError("not_found", "The container was removed while its resource use was being read.");
  if (!now.State.Running) return noUsage(now.HostConfig.Memory ?? 0);
  if (failure) throw toServiceError(failure, "Reading resource usage");
  // Running, yet the engine sent no figures (a container that is just starting): nothing to report yet.
  return noUsage(now.HostConfig.Memory ?? 0);
}

/** Whether the engine sent real figures: a stopped container's sample has no CPU usage or a zero read time. */
function isLiveSample(s: Partial<Dockerode.ContainerStats>): boolean {
  return typeof s?.cpu_stats?.cpu_usage?.total_usage === "number" && !String(s.read ?? "").startsWith("0001-");
}

type Sample = DeepPartial<Dockerode.ContainerStats> & { pids_stats?: { current?: number } };
type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/**
 * CPU % the way `docker stats` computes it: the container's share of the host's CPU time
 * since the previous sample, times the number of CPUs. Memory excludes the page cache, as
 * `docker stats` does on cgroup v1 (`total_inactive_file`) and v2 (`inactive_file`). Every
 * field may be missing (a container stopping mid-sample): a missing figure counts as 0.
 */
export function statsFromSample(s: Sample): WorkloadStats {
  const cpuDelta = num(s.cpu_stats?.cpu_usage?.total_usage) - num(s.precpu_stats?.cpu_usage?.total_usage);
  const systemDelta = num(s.cpu_stats?.system_cpu_usage) - num(s.precpu_stats?.system_cpu_usage);
  const cpus = num(s.cpu_stats?.online_cpus) || s.cpu_stats?.cpu_usage?.percpu_usage?.length || 1;
  const cpuPercent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  const stats = (s.memory_stats?.stats ?? {}) as Record<string, unknown>;
  const cache = num("total_inactive_file" in stats ? stats.total_inactive_file : stats.inactive_file);
  const memoryBytes = Math.max(0, num(s.memory_stats?.usage) - cache);
  let rx = 0;
  let tx = 0;
  for (const net of Object.values(s.networks ?? {})) {
    rx += num(net?.rx_bytes);
    tx += num(net?.tx_bytes);
  }
  return {
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    memoryBytes,
    memoryLimitBytes: num(s.memory_stats?.limit),
    pids: num(s.pids_stats?.current),
    netRxBytes: rx,
    netTxBytes: tx,
  };
}
