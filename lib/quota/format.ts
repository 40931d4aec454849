import type { LimitSpec } from "./quota";

/** A usage figure as people read it: CPU in cores ("0.50 CPU"), the rest as counted. */
export function formatAmount(spec: Pick<LimitSpec, "used">, value: number): string {
  if (spec.used === "cpuMillis") return (value / 1000).toFixed(2);
  return String(value);
}

export function unitOf(spec: Pick<LimitSpec, "used">): string {
  return spec.used === "memoryMb" ? " MB" : spec.used === "cpuMillis" ? " CPU" : "";
}
