import { LIMITS, type LimitSpec, type Quota, type Usage } from "./quota";

/** used/limit for one figure: 0 when nothing is used, Infinity when a zero limit is exceeded. */
export function ratio(used: number, limit: number): number {
  if (used === 0) return 0;
  return limit === 0 ? Infinity : used / limit;
}

/** How close a tenant is to its tightest limit (1 = at the limit, above 1 = over quota). */
export function pressureOf(quota: Quota, used: Usage): number {
  return Math.max(...LIMITS.map((s) => ratio(used[s.used], quota[s.limit])));
}

/** The limits a tenant is above: possible after an admin lowers a quota below current usage. */
export function overLimits(quota: Quota, used: Usage): LimitSpec[] {
  return LIMITS.filter((s) => used[s.used] > quota[s.limit]);
}
