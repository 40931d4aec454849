/**
 * A tenant's limits as the API names them. The database keeps the per-container maxima as
 * `containerMax*` (next to the tenant's policy); the API calls them `maxContainer*` so every
 * limit of the Quota object reads "max…".
 */
export interface Quota {
  maxContainers: number;
  maxMemoryMb: number;
  maxCpuMillis: number;
  maxVolumes: number;
  maxContainerMemoryMb: number;
  maxContainerCpuMillis: number;
}

/** What a tenant holds, counted from Berth's rows (see lib/quota/usage.ts). */
export interface Usage {
  containers: number;
  memoryMb: number;
  cpuMillis: number;
  volumes: number;
}

/** The columns a Tenant row and the QuotaDefaults row share. */
export interface QuotaColumns {
  maxContainers: number;
  maxMemoryMb: number;
  maxCpuMillis: number;
  maxVolumes: number;
  containerMaxMemoryMb: number;
  containerMaxCpuMillis: number;
}

export function quotaOf(row: QuotaColumns): Quota {
  return {
    maxContainers: row.maxContainers,
    maxMemoryMb: row.maxMemoryMb,
    maxCpuMillis: row.maxCpuMillis,
    maxVolumes: row.maxVolumes,
    maxContainerMemoryMb: row.containerMaxMemoryMb,
    maxContainerCpuMillis: row.containerMaxCpuMillis,
  };
}

export function columnsOf(quota: Quota): QuotaColumns {
  return {
    maxContainers: quota.maxContainers,
    maxMemoryMb: quota.maxMemoryMb,
    maxCpuMillis: quota.maxCpuMillis,
    maxVolumes: quota.maxVolumes,
    containerMaxMemoryMb: quota.maxContainerMemoryMb,
    containerMaxCpuMillis: quota.maxContainerCpuMillis,
  };
}

/** Each usage figure with the limit it is held against, in display order. */
export const LIMITS = [
  { used: "containers", limit: "maxContainers", label: "Containers", unit: "" },
  { used: "memoryMb", limit: "maxMemoryMb", label: "Memory", unit: " MB" },
  { used: "cpuMillis", limit: "maxCpuMillis", label: "CPU", unit: " millicores" },
  { used: "volumes", limit: "maxVolumes", label: "Volumes", unit: "" },
] as const satisfies readonly { used: keyof Usage; limit: keyof Quota; label: string; unit: string }[];

export type LimitSpec = (typeof LIMITS)[number];
