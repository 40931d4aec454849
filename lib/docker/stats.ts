import "server-only";
import type Dockerode from "dockerode";
import { docker } from "@/lib/docker/client";
import { toServiceError } from "@/lib/docker/errors";
import { inspectWorkload } from "@/lib/docker/workloads";
import { ServiceError } from "@/lib/errors";

export interface WorkloadStats {
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  pids: number;
  netRxBytes: number;
  netTxBytes: number;
}

/** One sample of a container's resource use (the API's Stats shape). */
export async function workloadStats(tenantId: string, dockerId: string): Promise<WorkloadStats> {
  const info = await inspectWorkload(tenantId, dockerId);
  if (!info) throw new ServiceError("not_found", "Container was not found.");
  if (!info.State.Running) {
    return { cpuPercent: 0, memoryBytes: 0, memoryLimitBytes: info.HostConfig.Memory ?? 0, pids: 0, netRxBytes: 0, netTxBytes: 0 };
  }
  let s: Dockerode.ContainerStats;
  try {
    s = (await docker().getContainer(info.Id).stats({ stream: false })) as Dockerode.ContainerStats;
  } catch (error) {
    throw toServiceError(error, "Reading resource usage");
  }
  return statsFromSample(s);
}

/**
 * CPU % the way `docker stats` computes it: the container's share of the host's CPU time
 * since the previous sample, times the number of CPUs. Memory excludes the page cache, as
 * `docker stats` does on cgroup v1 (`total_inactive_file`) and v2 (`inactive_file`).
 */
export function statsFromSample(s: Dockerode.ContainerStats): WorkloadStats {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus || s.cpu_stats.cpu_usage.percpu_usage?.length || 1;
  const cpuPercent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  const stats = (s.memory_stats.stats ?? {}) as Record<string, number>;
  const cache = stats.total_inactive_file ?? stats.inactive_file ?? 0;
  const memoryBytes = Math.max(0, (s.memory_stats.usage ?? 0) - cache);
  let rx = 0;
  let tx = 0;
  for (const net of Object.values(s.networks ?? {})) {
    rx += net.rx_bytes;
    tx += net.tx_bytes;
  }
  return {
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    memoryBytes,
    memoryLimitBytes: s.memory_stats.limit ?? 0,
    pids: (s as Dockerode.ContainerStats & { pids_stats?: { current?: number } }).pids_stats?.current ?? 0,
    netRxBytes: rx,
    netTxBytes: tx,
  };
}
