import "server-only";
import type { ActionName } from "@/lib/activity/actions";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db";
import { ServiceError } from "@/lib/errors";
import { pruneHits, secondsUntilAllowed, takeHit, type RateRule } from "@/lib/rate-limit/limiter";

/**
 * Per-actor limits on the writes that cost the host something (an engine call, a pull, a
 * row that lives on): one user, through the browser or any number of tokens, cannot flood
 * the engine or the log. BERTH_WRITES_PER_MINUTE (default 30) sets launches, volume
 * creations and uploads; token creations and image adds get a third of it.
 */
function limits(): Partial<Record<ActionName, RateRule>> {
  const perMinute = Math.max(1, Number(process.env.BERTH_WRITES_PER_MINUTE) || 30);
  const rare = Math.max(1, Math.ceil(perMinute / 3));
  return {
    "container.launch": { limit: perMinute, windowMs: 60_000 },
    "volume.create": { limit: perMinute, windowMs: 60_000 },
    // Each upload starts a helper container and writes up to BERTH_UPLOAD_MAX_TOTAL_MB.
    "volume.upload": { limit: perMinute, windowMs: 60_000 },
    "auth.token.create": { limit: rare, windowMs: 60_000 },
    "image.add": { limit: rare, windowMs: 60_000 },
    "image.pull": { limit: rare, windowMs: 60_000 },
    // Each try checks the current password: a session left open must not become a way to
    // guess it. Fixed, not scaled by the setting: nobody changes a password often.
    "user.password.change": { limit: 5, windowMs: 15 * 60_000 },
  };
}

const NAMES: Partial<Record<ActionName, string>> = {
  "container.launch": "launches",
  "volume.create": "new volumes",
  "volume.upload": "uploads",
  "auth.token.create": "new API tokens",
  "image.add": "image adds",
  "image.pull": "image pulls",
  "user.password.change": "password changes",
};

/** Whether this action has a per-actor write limit. */
export function hasWriteLimit(action: ActionName): boolean {
  return limits()[action] !== undefined;
}

const keyOf = (actor: Actor, action: ActionName) => `write:${action}:${actor.userId}`;
const longestWindowMs = () => Math.max(...Object.values(limits()).map((r) => r.windowMs));

function tooMany(action: ActionName, rule: RateRule, retryAfterSeconds: number): ServiceError {
  return new ServiceError(
    "rate_limited",
    `Too many ${NAMES[action] ?? "changes"}: at most ${rule.limit} ${rule.windowMs === 60_000 ? "a minute" : `in ${rule.windowMs / 60_000} minutes`}. Try again in ${retryAfterSeconds} s.`,
    undefined,
    retryAfterSeconds,
  );
}

/**
 * Counts this write against the actor's limit, or throws `rate_limited` with Retry-After.
 * With `tx` the check and the hit join the caller's transaction (call it before the
 * transaction's other writes): the hit then commits, or rolls back, with the change.
 */
export async function assertWriteAllowed(actor: Actor, action: ActionName, tx?: Tx): Promise<void> {
  const rule = limits()[action];
  if (!rule) return;
  // Hits older than the longest window of any write limit (every "write:" key shares the
  // prefix, so a shorter window here would cut another action's count short) are dropped now
  // and then, for every key at once: the hits themselves leave them (keepOld).
  await pruneHits("write:", longestWindowMs());
  const { allowed, retryAfterSeconds } = await takeHit(keyOf(actor, action), rule, { tx, keepOld: true });
  if (!allowed) throw tooMany(action, rule, retryAfterSeconds);
}

/**
 * Throws `rate_limited` if the actor is already at the limit, recording nothing and taking no
 * lock (one read): the early refusal of a command that counts its write later, in its first
 * write transaction (lib/services/command.ts), where assertWriteAllowed decides.
 */
export async function assertUnderWriteLimit(actor: Actor, action: ActionName): Promise<void> {
  const rule = limits()[action];
  if (!rule) return;
  const retryAfterSeconds = await secondsUntilAllowed([{ key: keyOf(actor, action), rule }]);
  if (retryAfterSeconds > 0) throw tooMany(action, rule, retryAfterSeconds);
}
