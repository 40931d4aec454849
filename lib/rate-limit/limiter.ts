import "server-only";
import { randomUUID } from "node:crypto";
import { db, type Tx } from "@/lib/db";
import { hitsNeeded, horizonMs, waitMs, type RateRule } from "./window";

export type { RateRule } from "./window";

/** One key to count a hit under, and the rule it is checked against. */
export interface KeyedRule {
  key: string;
  rule: RateRule;
  /** false: the hit is recorded under this key, but the key's count never refuses this call. */
  enforce?: boolean;
}

export interface HitResult {
  allowed: boolean;
  /** 0 when allowed; otherwise whole seconds until the same call would be allowed. */
  retryAfterSeconds: number;
  /** The hits recorded (one per key) when allowed: pass them to forgiveHits to take them back. */
  hitIds: string[];
  /** The first enforced key that refused. */
  refusedBy?: string;
}

// Each key has one lock row: a RateHit whose id is derived from the key, dated at the epoch
// so that no window ever counts it.
const LOCK_AT = new Date(0);
const lockId = (key: string) => `lock:${key}`;

/**
 * Checks every key's rule and, only if all allow, records one hit under each key, in one
 * transaction: a burst of parallel calls cannot all pass, each one sees the hits of those
 * before it.
 *
 * The first statements write each key's lock row (an upsert). On SQLite the first write takes
 * the database's write lock for the rest of the transaction (like lib/quota/reserve.ts: a
 * transaction that only read first could interleave with another); on PostgreSQL the upsert
 * (INSERT … ON CONFLICT DO UPDATE) holds that row's lock until commit, so a second caller
 * for the same key waits and then reads the first caller's hit. Keys are locked in sorted
 * order so two multi-key calls cannot deadlock. A refused call records nothing.
 *
 * Pass `tx` to join the caller's transaction (call this first in it, before other writes
 * that could wait on the lock); without it the limiter runs its own.
 */
export async function takeHits(checks: readonly KeyedRule[], options: HitOptions = {}): Promise<HitResult> {
  const now = options.now ?? new Date();
  const tx = options.tx ?? db;
  const run = (t: Tx) => checkAndRecord(t, checks, now, options.keepOld === true);
  return tx === db ? db.$transaction(run) : run(tx);
}

export interface HitOptions {
  /** Join the caller's transaction. */
  tx?: Tx;
  now?: Date;
  /**
   * Leave the key's hits past every horizon for pruneHits to remove instead of deleting them
   * on each call (one statement less): for keys whose prefix is pruned regularly.
   */
  keepOld?: boolean;
}

/** One key: `takeHits([{ key, rule }])`. */
export function takeHit(key: string, rule: RateRule, options: HitOptions = {}): Promise<HitResult> {
  return takeHits([{ key, rule }], options);
}

// The statements of a check run in plain SQL (bound values, INSERT … ON CONFLICT as both
// SQLite and PostgreSQL take it): every launch and sign-in passes here, and Prisma compiles
// each call anew, which cost more CPU than SQLite's own work (docs/benchmarks.md).
async function checkAndRecord(tx: Tx, checks: readonly KeyedRule[], now: Date, keepOld: boolean): Promise<HitResult> {
  const keys = [...new Set(checks.map((c) => c.key))].sort();
  for (const key of keys) {
    await tx.$executeRaw`INSERT INTO "RateHit" ("id", "key", "at") VALUES (${lockId(key)}, ${key}, ${LOCK_AT}) ON CONFLICT ("id") DO UPDATE SET "at" = ${LOCK_AT}`;
  }
  let wait = 0;
  let refusedBy: string | undefined;
  for (const check of checks) {
    if (check.enforce === false) continue;
    const ms = waitMs(await recentHits(tx, check.key, check.rule, now), check.rule, now.getTime());
    if (ms > wait) [wait, refusedBy] = [ms, check.key];
  }
  if (wait > 0) return { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000), hitIds: [], refusedBy };

  const hitIds: string[] = [];
  for (const key of keys) {
    // Hits past every horizon of this key only cost space: drop them while the key is locked.
    const horizon = Math.max(...checks.filter((c) => c.key === key).map((c) => horizonMs(c.rule)));
    if (!keepOld)
      await tx.$executeRaw`DELETE FROM "RateHit" WHERE "key" = ${key} AND "at" > ${LOCK_AT} AND "at" <= ${new Date(now.getTime() - horizon)}`;
    // A hit's id is only ever handed back to forgiveHits: any unique string will do (the
    // schema's cuid() default is Prisma's own and not reachable from plain SQL).
    const id = randomUUID();
    await tx.$executeRaw`INSERT INTO "RateHit" ("id", "key", "at") VALUES (${id}, ${key}, ${now})`;
    hitIds.push(id);
  }
  return { allowed: true, retryAfterSeconds: 0, hitIds };
}

async function recentHits(tx: Tx, key: string, rule: RateRule, now: Date): Promise<Date[]> {
  const rows = await tx.$queryRaw<{ at: Date }[]>`
    SELECT "at" FROM "RateHit" WHERE "key" = ${key} AND "at" > ${new Date(now.getTime() - horizonMs(rule))}
    ORDER BY "at" DESC LIMIT ${hitsNeeded(rule)}`;
  return rows.map((r) => r.at);
}

/**
 * Seconds until `takeHits(checks)` would be allowed, or 0, without recording anything or
 * taking a lock: for telling someone how long to wait, never for deciding.
 */
export async function secondsUntilAllowed(checks: readonly KeyedRule[], now = new Date()): Promise<number> {
  let wait = 0;
  for (const check of checks) {
    if (check.enforce === false) continue;
    wait = Math.max(wait, waitMs(await recentHits(db, check.key, check.rule, now), check.rule, now.getTime()));
  }
  return Math.ceil(wait / 1000);
}

/** Takes recorded hits back (the attempt they counted turned out not to count). */
export async function forgiveHits(hitIds: readonly string[], tx: Tx = db): Promise<void> {
  if (hitIds.length > 0) await tx.rateHit.deleteMany({ where: { id: { in: [...hitIds] } } });
}

/** Forgets every hit under a key: it starts afresh. */
export async function clearHits(key: string, tx: Tx = db): Promise<void> {
  await tx.rateHit.deleteMany({ where: { key, at: { gt: LOCK_AT } } });
}

/** Whether a key has a hit younger than `withinMs` (a remembered event, not a limit). */
export async function hasRecentHit(key: string, withinMs: number, now = new Date(), tx: Tx = db): Promise<boolean> {
  return (await tx.rateHit.count({ where: { key, at: { gt: new Date(Math.max(LOCK_AT.getTime(), now.getTime() - withinMs)) } } })) > 0;
}

/** Records a hit without any check (to remember that something happened, e.g. a success). */
export async function recordHit(key: string, options: { tx?: Tx; now?: Date; replace?: boolean } = {}): Promise<string> {
  const tx = options.tx ?? db;
  const now = options.now ?? new Date();
  if (options.replace) await clearHits(key, tx);
  return (await tx.rateHit.create({ data: { key, at: now }, select: { id: true } })).id;
}

const lastPrune = new Map<string, number>();

/**
 * Deletes hits (and lock rows) under keys starting with `prefix` that are older than
 * `olderThanMs`: the keys nobody hits again, which takeHits' own clean-up never visits. Runs
 * at most once per `everyMs` per prefix in this process, so callers can call it on every
 * request; returns how many rows went (0 when skipped).
 */
export async function pruneHits(prefix: string, olderThanMs: number, options: { everyMs?: number; now?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const everyMs = options.everyMs ?? 10 * 60_000;
  if (now.getTime() - (lastPrune.get(prefix) ?? -Infinity) < everyMs) return 0;
  lastPrune.set(prefix, now.getTime());
  const { count } = await db.rateHit.deleteMany({ where: { key: { startsWith: prefix }, at: { lt: new Date(now.getTime() - olderThanMs) } } });
  return count;
}
