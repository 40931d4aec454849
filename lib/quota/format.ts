import type { LimitSpec } from "./quota";

/** Millicores as people read CPU: in cores with two decimals (500 → "0.50"). */
export function formatCpu(millis: number): string {
  return (millis / 1000).toFixed(2);
}

/** A usage figure as people read it: CPU in cores ("0.50 CPU"), the rest as counted. */
export function formatAmount(spec: Pick<LimitSpec, "used">, value: number): string {
  if (spec.used === "cpuMillis") return formatCpu(value);
  return String(value);
}

export function unitOf(spec: Pick<LimitSpec, "used">): string {
  return spec.used === "memoryMb" ? " MB" : spec.used === "cpuMillis" ? " CPU" : "";
}
