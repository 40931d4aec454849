import "server-only";
import { clearHits, forgiveHits, recordHit, secondsUntilAllowed as waitFor } from "@/lib/rate-limit/limiter";

const WINDOW_MS = 15 * 60_000;

function limits() {
  return {
    account: Number(process.env.BERTH_LOGIN_ACCOUNT_LIMIT ?? 5),
    address: Number(process.env.BERTH_LOGIN_ADDRESS_LIMIT ?? 30),
  };
}

export function throttleKeys(email: string, ip?: string) {
  const keys = [{ key: `account:${email.toLowerCase()}`, rule: { limit: limits().account, windowMs: WINDOW_MS } }];
  if (ip) keys.push({ key: `ip:${ip}`, rule: { limit: limits().address, windowMs: WINDOW_MS } });
  return keys;
}

/** Seconds until the next attempt is allowed, or 0 (sliding window per key). */
export async function secondsUntilAllowed(email: string, ip?: string, now = new Date()): Promise<number> {
  return waitFor(throttleKeys(email, ip), now);
}

/** Records an attempt as failed (the ids let a successful one be forgiven again). */
export async function recordLoginFailure(email: string, ip?: string): Promise<string[]> {
  const ids: string[] = [];
  for (const { key } of throttleKeys(email, ip)) ids.push(await recordHit(key));
  return ids;
}

/** A successful sign-in: its own attempt does not count, and the account starts afresh. */
export async function forgiveLoginAttempt(email: string, attemptIds: string[]): Promise<void> {
  await forgiveHits(attemptIds);
  await clearHits(`account:${email.toLowerCase()}`);
}
