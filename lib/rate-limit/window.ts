/**
 * The arithmetic of a sliding-window rate limit with optional exponential back-off: pure, so
 * it can be tested without a database (lib/rate-limit/limiter.ts does the counting).
 */
export interface RateRule {
  /** Hits allowed inside `windowMs`. */
  limit: number;
  windowMs: number;
  /**
   * Exponential back-off: hits beyond `limit` that are still younger than this double the
   * wait, window × 2^(hits − limit), up to this much. Without it the rule is a plain sliding
   * window: `limit` hits in any `windowMs`.
   */
  backoffMaxMs?: number;
}

/** How far back hits matter to a rule. */
export function horizonMs(rule: RateRule): number {
  return Math.max(rule.windowMs, rule.backoffMaxMs ?? 0);
}

/** The newest hits a rule needs to see to decide (more would only cap the back-off again). */
export function hitsNeeded(rule: RateRule): number {
  if (!rule.backoffMaxMs || rule.backoffMaxMs <= rule.windowMs) return rule.limit;
  return rule.limit + Math.ceil(Math.log2(rule.backoffMaxMs / rule.windowMs)) + 1;
}

/**
 * Milliseconds until one more hit is allowed, or 0. `recent` holds the key's hits younger
 * than `horizonMs(rule)`, newest first (at most `hitsNeeded(rule)` of them).
 *
 * With `limit` hits it is the sliding window: free again when the oldest of the last `limit`
 * hits leaves it. Each hit allowed after that (n > limit) blocks for window × 2^(n − limit)
 * from that newest hit, up to the back-off maximum: a patient guesser gets one try per
 * doubling wait, not `limit` tries per window. Hits older than the maximum no longer count.
 */
export function waitMs(recent: readonly Date[], rule: RateRule, now: number): number {
  if (rule.limit <= 0) return horizonMs(rule);
  if (recent.length < rule.limit) return 0;
  let until = recent[rule.limit - 1].getTime() + rule.windowMs;
  const beyond = recent.length - rule.limit;
  if (beyond > 0) until = Math.max(until, recent[0].getTime() + Math.min(rule.windowMs * 2 ** beyond, horizonMs(rule)));
  return Math.max(0, until - now);
}
