import { ServiceError } from "@/lib/errors";
import { LIMITS, type Quota, type Usage } from "./quota";

/** How much of each limit is left; never negative (a tenant above a lowered quota has 0 left). */
export function remaining(quota: Quota, used: Usage): Usage {
  return {
    containers: Math.max(0, quota.maxContainers - used.containers),
    memoryMb: Math.max(0, quota.maxMemoryMb - used.memoryMb),
    cpuMillis: Math.max(0, quota.maxCpuMillis - used.cpuMillis),
    volumes: Math.max(0, quota.maxVolumes - used.volumes),
  };
}

/**
 * Throws `quota_exceeded` naming the first limit the addition would break, with the numbers
 * (api-v1.md: "message names the limit"). Only what `need` asks for is checked: starting a
 * stopped container needs memory and CPU but no new container slot.
 */
export function assertFits(quota: Quota, used: Usage, need: Partial<Usage>): void {
  for (const spec of LIMITS) {
    const wanted = need[spec.used];
    if (!wanted) continue;
    const limit = quota[spec.limit];
    const inUse = used[spec.used];
    if (inUse + wanted <= limit) continue;
    const left = Math.max(0, limit - inUse);
    const what =
      spec.used === "containers" || spec.used === "volumes"
        ? `${wanted} more ${spec.label.toLowerCase().replace(/s$/, "")}${wanted === 1 ? "" : "s"}`
        : `${wanted}${spec.unit}`;
    throw new ServiceError(
      "quota_exceeded",
      `${spec.label} quota exceeded (${spec.limit}): this needs ${what}, but the tenant uses ${inUse} of ${limit}${spec.unit}, ${left}${spec.unit} left.`,
    );
  }
}
