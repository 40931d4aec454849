import "server-only";
import type { ClientInfo } from "@/lib/auth/actor";
import { verifyPassword } from "@/lib/auth/password";
import { forgiveLoginAttempt, recordLoginFailure, secondsUntilAllowed } from "@/lib/auth/login-throttle";
import type { ActionName } from "@/lib/activity/actions";
import { recordActivity } from "@/lib/activity/record";
import { db } from "@/lib/db";
import { ServiceError } from "@/lib/errors";

export function retryMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `Too many attempts — try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

/**
 * Checks an email and password, throttled per account and per client address. Every
 * success and failure is recorded. Returns the user's id; throws `unauthorized` or
 * `rate_limited` (with retryAfter).
 */
export async function checkPassword(
  rawEmail: string,
  password: string,
  client: ClientInfo,
  action: Extract<ActionName, "auth.login" | "auth.token.login"> = "auth.login",
): Promise<{ userId: string; email: string }> {
  const email = rawEmail.trim().toLowerCase().slice(0, 254);
  const wait = await secondsUntilAllowed(email, client.ip);
  if (wait > 0) {
    await recordActivity(
      { kind: "anonymous", email, client },
      {
        action,
        outcome: "denied",
        reason: "rate limited: too many failed sign-ins",
      },
    );
    throw new ServiceError("rate_limited", retryMessage(wait), undefined, wait);
  }
  // Counted as a failure before the (slow) hash check and cleared on success: parallel
  // guesses each see the ones before them, so a burst cannot slip past the limit.
  const attempt = await recordLoginFailure(email, client.ip);
  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, disabled: true, passwordHash: true },
  });
  const ok = await verifyPassword(password, user?.passwordHash ?? null);
  if (!user || !ok || user.disabled) {
    await recordActivity(
      { kind: "anonymous", userId: user?.id, email, client },
      {
        action,
        outcome: "denied",
        reason: !user || !ok ? "wrong email or password" : "account disabled",
      },
    );
    // One message for all three: which accounts exist is not for strangers to learn.
    throw new ServiceError("unauthorized", "Wrong email or password.");
  }
  await forgiveLoginAttempt(email, attempt);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
    await recordActivity({ kind: "anonymous", userId: user.id, email, client }, { action, outcome: "allowed" }, tx);
  });
  return { userId: user.id, email: user.email };
}
