import { describe, expect, it } from "vitest";
import { hitsNeeded, horizonMs, waitMs, type RateRule } from "./window";

const MIN = 60_000;
const t0 = Date.UTC(2026, 10, 29, 12, 0, 0);
/** Hits at these minutes after t0, newest first as the limiter reads them. */
const at = (...minutes: number[]) => minutes.map((m) => new Date(t0 + m * MIN)).sort((a, b) => b.getTime() - a.getTime());

describe("sliding window", () => {
  const rule: RateRule = { limit: 3, windowMs: 10 * MIN };

  it("allows up to the limit", () => {
    expect(waitMs(at(), rule, t0)).toBe(0);
    expect(waitMs(at(0, 1), rule, t0 + 2 * MIN)).toBe(0);
  });

  it("blocks at the limit until the oldest of the last `limit` hits leaves the window", () => {
    expect(waitMs(at(0, 1, 2), rule, t0 + 2 * MIN)).toBe(8 * MIN);
    expect(waitMs(at(0, 1, 2), rule, t0 + 10 * MIN)).toBe(0);
  });

  it("needs only `limit` hits and looks back one window", () => {
    expect(hitsNeeded(rule)).toBe(3);
    expect(horizonMs(rule)).toBe(10 * MIN);
  });

  it("a limit of 0 always refuses", () => {
    expect(waitMs(at(), { limit: 0, windowMs: MIN }, t0)).toBe(MIN);
  });
});

describe("exponential back-off", () => {
  const rule: RateRule = { limit: 3, windowMs: 10 * MIN, backoffMaxMs: 80 * MIN };

  it("the first block is the plain window", () => {
    expect(waitMs(at(0, 0, 0), rule, t0)).toBe(10 * MIN);
  });

  it("each hit allowed after a block doubles the next wait, counted from that hit", () => {
    // 3 at t0, a 4th when the first block ended (t10): 20 min; a 5th at t30: 40; a 6th at t70: 80 (the cap).
    expect(waitMs(at(0, 0, 0, 10), rule, t0 + 10 * MIN)).toBe(20 * MIN);
    expect(waitMs(at(0, 0, 0, 10, 30), rule, t0 + 30 * MIN)).toBe(40 * MIN);
    expect(waitMs(at(0, 0, 0, 10, 30, 70), rule, t0 + 70 * MIN)).toBe(80 * MIN);
    expect(waitMs(at(0, 0, 0, 10, 30, 70), rule, t0 + 150 * MIN)).toBe(0);
  });

  it("never blocks for longer than the maximum", () => {
    const many = at(0, 0, 0, 1, 2, 3, 4, 5, 6);
    expect(waitMs(many.slice(0, hitsNeeded(rule)), rule, t0 + 6 * MIN)).toBeLessThanOrEqual(80 * MIN);
  });

  it("reads far enough back to reach the cap", () => {
    expect(horizonMs(rule)).toBe(80 * MIN);
    // 10 × 2^3 = 80: three hits beyond the limit reach the cap, one more is read to be sure.
    expect(hitsNeeded(rule)).toBe(3 + 3 + 1);
  });

  it("old failures stop counting once the one that anchors the block is long past", () => {
    expect(waitMs(at(0, 0, 0, 0), rule, t0 + 25 * MIN)).toBe(0);
  });
});
