import "server-only";
import { db } from "@/lib/db";

const WINDOW_MS = 15 * 60_000;

function limits() {
  return {
    account: Number(process.env.BERTH_LOGIN_ACCOUNT_LIMIT ?? 5),
    address: Number(process.env.BERTH_LOGIN_ADDRESS_LIMIT ?? 30),
  };
}

export function throttleKeys(email: string, ip?: string) {
  const keys = [{ key: `account:${email.toLowerCase()}`, limit: limits().account }];
  if (ip) keys.push({ key: `ip:${ip}`, limit: limits().address });
  return keys;
}

/**
 * Seconds until the next attempt is allowed, or 0. A key is blocked while it has `limit`
 * failures inside the sliding window; it frees when the oldest of those leaves the window.
 */
export async function secondsUntilAllowed(email: string, ip?: string, now = new Date()): Promise<number> {
  let wait = 0;
  for (const { key, limit } of throttleKeys(email, ip)) {
    const recent = await db.loginFailure.findMany({
      where: { key, at: { gt: new Date(now.getTime() - WINDOW_MS) } },
      orderBy: { at: "desc" },
      take: limit,
      select: { at: true },
    });
    if (recent.length >= limit) {
      const oldest = recent[recent.length - 1].at.getTime();
      wait = Math.max(wait, Math.ceil((oldest + WINDOW_MS - now.getTime()) / 1000));
    }
  }
  return wait;
}

/** Records an attempt as failed (the ids let a successful one be forgiven again). */
export async function recordLoginFailure(email: string, ip?: string): Promise<string[]> {
  const ids: string[] = [];
  for (const { key } of throttleKeys(email, ip)) ids.push((await db.loginFailure.create({ data: { key }, select: { id: true } })).id);
  // Old rows only cost space: prune what has left the window, cheaply, as we go.
  await db.loginFailure.deleteMany({ where: { at: { lt: new Date(Date.now() - WINDOW_MS) } } });
  return ids;
}

/** A successful sign-in: its own attempt does not count, and the account starts afresh. */
export async function forgiveLoginAttempt(email: string, attemptIds: string[]): Promise<void> {
  await db.loginFailure.deleteMany({ where: { OR: [{ id: { in: attemptIds } }, { key: `account:${email.toLowerCase()}` }] } });
}
