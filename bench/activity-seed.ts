import { randomUUID } from "node:crypto";
import type { ActionName } from "@/lib/activity/actions";
import { recordActivity, type ActivityInput, type EventActor } from "@/lib/activity/record";
import { db } from "@/lib/db";
import { round, timed } from "./stats";

/**
 * Fills the activity log with a realistic mix of events, all through the recorder
 * (recordActivity, group-committed). A sample by `callers` concurrent callers is timed; if
 * the whole count would take longer than `maxRecorderSeconds` at that pace, the rest is
 * recorded by `batch` callers at once, so every group commit is a full batch.
 */

// Weighted like a busy portal: mostly container lifecycle, some sign-ins and admin work.
const ACTIONS: [ActionName, number][] = [
  ["container.launch", 28],
  ["container.stop", 14],
  ["container.start", 10],
  ["container.remove", 10],
  ["container.died", 8],
  ["auth.login", 10],
  ["auth.token.create", 5],
  ["volume.create", 4],
  ["container.restart", 4],
  ["quota.update", 2],
  ["container.oom", 1],
  ["user.update", 2],
  ["container.quarantine", 1],
  ["tenant.update", 1],
];
const TOTAL_WEIGHT = ACTIONS.reduce((s, [, w]) => s + w, 0);

/** A small deterministic PRNG (mulberry32): the same log every run, no dependency. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface EventSpec {
  actor: EventActor;
  input: ActivityInput;
}

export function eventGenerator(tenantIds: string[], users: { id: string; email: string }[], seed = 42) {
  const random = rng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  return (i: number): EventSpec => {
    let r = random() * TOTAL_WEIGHT;
    const action = ACTIONS.find(([, w]) => (r -= w) < 0)?.[0] ?? "container.launch";
    const roll = random();
    const outcome = roll < 0.85 ? "allowed" : roll < 0.95 ? "denied" : "failed";
    const user = pick(users);
    const client = { ip: `10.0.${i % 200}.${(i >> 8) % 250}`, userAgent: "Mozilla/5.0 (X11; Linux x86_64) bench/1", requestId: randomUUID() };
    const system = action === "container.died" || action === "container.oom" || action === "container.quarantine";
    const actor: EventActor = system
      ? { kind: "system" }
      : { kind: "user", userId: user.id, email: user.email, role: "member", memberships: [], client };
    const tenantId = action.startsWith("auth.") || action.startsWith("user.") ? null : pick(tenantIds);
    const name = `app-${i % 997}`;
    return {
      actor,
      input: {
        action,
        outcome,
        tenantId,
        target: tenantId ? `container:${name}` : `user:${user.email}`,
        reason:
          outcome === "allowed"
            ? null
            : outcome === "denied"
              ? "the action would exceed the tenant's quota: containers 10 of 10"
              : "the engine refused: Starting the container failed",
        details: tenantId
          ? {
              containerId: randomUUID(),
              image: "berth/static-web:1",
              request: { name, image: "berth/static-web:1", memoryMb: 64, cpuMillis: 100, ports: [{ container: 8080, protocol: "tcp" }] },
            }
          : { method: "password" },
      },
    };
  };
}

/**
 * The recorder in this process, retried on a lock timeout: the portal's server writes to the
 * same SQLite file (reconciler, lease), and with a rollback journal a writer in one process
 * can hold the other off past Prisma's 5 s transaction timeout. Counted, not hidden.
 */
let lockRetries = 0;
async function recordWithRetry(spec: EventSpec): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await recordActivity(spec.actor, spec.input);
      return;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= 5 || !/timed out|locked|busy/i.test(message)) throw error;
      lockRetries++;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

export interface SeedReport {
  events: number;
  recorder: { callers: number; events: number; seconds: number; eventsPerSecond: number; projectedSecondsForAll: number };
  batched: { events: number; seconds: number; eventsPerSecond: number; batchSize: number } | null;
  totalSeconds: number;
  lockRetries: number;
  firstSeq: number;
  lastSeq: number;
}

export async function seedActivity(options: {
  count: number;
  tenantIds: string[];
  users: { id: string; email: string }[];
  sample: number;
  callers: number;
  maxRecorderSeconds: number;
  batch: number;
  log: (s: string) => void;
}): Promise<SeedReport> {
  const next = eventGenerator(options.tenantIds, options.users);
  const before = await db.activityEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
  const sample = Math.min(options.sample, options.count);
  // Callers take the next index in turn, so the specs come out in the generator's order.
  const recordRange = (from: number, to: number, callers = options.callers) => {
    let i = from;
    return Promise.all(
      Array.from({ length: callers }, async () => {
        while (i < to) await recordWithRetry(next(i++));
      }),
    );
  };
  const rec = await timed(() => recordRange(0, sample));
  const perSecond = sample / (rec.ms / 1000);
  const projected = options.count / perSecond;
  options.log(
    `recordActivity, ${options.callers} callers: ${sample} events in ${round(rec.ms / 1000)} s (${round(perSecond)}/s); all ${options.count} would take ~${round(projected / 60)} min`,
  );
  let batched: SeedReport["batched"] = null;
  const rest = options.count - sample;
  if (rest > 0 && projected <= options.maxRecorderSeconds) {
    const more = await timed(() => recordRange(sample, options.count));
    rec.ms += more.ms;
  } else if (rest > 0) {
    // Still the recorder: enough callers at once that its group commit fills whole batches.
    options.log(`recording the remaining ${rest} events by ${options.batch} callers at once`);
    const b = await timed(() => recordRange(sample, options.count, options.batch));
    batched = { events: rest, seconds: round(b.ms / 1000), eventsPerSecond: round(rest / (b.ms / 1000)), batchSize: options.batch };
  }
  const recorded = batched ? sample : options.count;
  const after = await db.activityEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
  return {
    events: options.count,
    recorder: {
      callers: options.callers,
      events: recorded,
      seconds: round(rec.ms / 1000),
      eventsPerSecond: round(recorded / (rec.ms / 1000)),
      projectedSecondsForAll: round(projected),
    },
    batched,
    totalSeconds: round((rec.ms + (batched ? batched.seconds * 1000 : 0)) / 1000),
    lockRetries,
    firstSeq: (before?.seq ?? 0) + 1,
    lastSeq: after?.seq ?? 0,
  };
}
