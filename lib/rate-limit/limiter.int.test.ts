import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { uniq } from "@/test/integration/fixtures";
import { clearHits, forgiveHits, hasRecentHit, pruneHits, recordHit, secondsUntilAllowed, takeHit, takeHits } from "./limiter";

const MIN = 60_000;
const run = promisify(execFile);
const hitsOf = (key: string) => db.rateHit.count({ where: { key, at: { gt: new Date(0) } } });

describe("rate limiter (real SQLite file)", () => {
  it("a burst of parallel calls lets exactly `limit` through and records only those", async () => {
    const key = uniq("burst");
    const rule = { limit: 5, windowMs: 15 * MIN };
    const results = await Promise.all(Array.from({ length: 20 }, () => takeHit(key, rule)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(await hitsOf(key)).toBe(5);
    for (const refused of results.filter((r) => !r.allowed)) {
      expect(refused.retryAfterSeconds).toBeGreaterThan(14 * 60);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
      expect(refused.hitIds).toEqual([]);
    }
  });

  it("holds across processes: two more processes hitting the same key in parallel", async () => {
    const key = uniq("procs");
    const rule = { limit: 25, windowMs: MIN };
    const child = () =>
      run("npx", ["tsx", "--conditions=react-server", path.join(__dirname, "limiter.burst-child.ts"), key, "25", String(MIN), "20"], {
        env: process.env,
      }).then(({ stdout }) => Number(stdout.trim()));
    const [a, b, mine] = await Promise.all([child(), child(), Promise.all(Array.from({ length: 20 }, () => takeHit(key, rule)))]);
    expect(a + b + mine.filter((r) => r.allowed).length).toBe(25);
    expect(await hitsOf(key)).toBe(25);
  });

  it("several keys are all-or-nothing; a key with enforce: false is counted but never refuses", async () => {
    const [a, b, c] = [uniq("a"), uniq("b"), uniq("c")];
    const tight = { limit: 1, windowMs: MIN };
    const checks = [
      { key: a, rule: { limit: 10, windowMs: MIN } },
      { key: b, rule: tight },
      { key: c, rule: tight, enforce: false },
    ];
    expect((await takeHits(checks)).allowed).toBe(true);
    const refused = await takeHits(checks);
    expect(refused).toMatchObject({ allowed: false, refusedBy: b });
    expect([await hitsOf(a), await hitsOf(b), await hitsOf(c)]).toEqual([1, 1, 1]);
    expect((await takeHits([{ key: c, rule: tight, enforce: false }])).allowed).toBe(true);
    expect(await hitsOf(c)).toBe(2);
  });

  it("forgiven and cleared hits stop counting; secondsUntilAllowed only reads", async () => {
    const key = uniq("forgive");
    const rule = { limit: 2, windowMs: 10 * MIN };
    const first = await takeHit(key, rule);
    await takeHit(key, rule);
    expect(await secondsUntilAllowed([{ key, rule }])).toBeGreaterThan(0);
    expect(await hitsOf(key)).toBe(2);
    await forgiveHits(first.hitIds);
    expect(await secondsUntilAllowed([{ key, rule }])).toBe(0);
    expect((await takeHit(key, rule)).allowed).toBe(true);
    await clearHits(key);
    expect(await hitsOf(key)).toBe(0);
  });

  it("backs off exponentially: each hit after a block doubles the next wait", async () => {
    const key = uniq("backoff");
    const rule = { limit: 2, windowMs: 10 * MIN, backoffMaxMs: 60 * MIN };
    const t0 = Date.now() - 2 * 60 * MIN;
    const at = (minutes: number) => ({ now: new Date(t0 + minutes * MIN) });
    await takeHit(key, rule, at(0));
    await takeHit(key, rule, at(0));
    expect(await takeHit(key, rule, at(5))).toMatchObject({ allowed: false, retryAfterSeconds: 5 * 60 });
    expect((await takeHit(key, rule, at(10))).allowed).toBe(true);
    expect(await takeHit(key, rule, at(11))).toMatchObject({ allowed: false, retryAfterSeconds: 19 * 60 });
    expect((await takeHit(key, rule, at(30))).allowed).toBe(true);
    expect(await takeHit(key, rule, at(31))).toMatchObject({ allowed: false, retryAfterSeconds: 39 * 60 });
  });

  it("remembers events, prunes old hits of abandoned keys at most once per interval", async () => {
    const prefix = `${uniq("prune")}:`;
    const old = new Date(Date.now() - 2 * 60 * MIN);
    await recordHit(`${prefix}x`, { now: old });
    await takeHit(`${prefix}y`, { limit: 5, windowMs: MIN }, { now: old });
    await recordHit(`${prefix}z`);
    expect(await hasRecentHit(`${prefix}x`, 60 * MIN)).toBe(false);
    expect(await hasRecentHit(`${prefix}z`, 60 * MIN)).toBe(true);
    // Old hits and y's lock row go; the fresh one stays.
    expect(await pruneHits(prefix, 60 * MIN)).toBe(3);
    expect(await db.rateHit.count({ where: { key: { startsWith: prefix } } })).toBe(1);
    await recordHit(`${prefix}x`, { now: old });
    expect(await pruneHits(prefix, 60 * MIN)).toBe(0);
    await recordHit(`${prefix}z`, { replace: true });
    expect(await hitsOf(`${prefix}z`)).toBe(1);
  });
});
