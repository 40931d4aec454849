import "server-only";
import type { ClientInfo } from "@/lib/auth/actor";
import { hashKind, hashPassword, needsRehash, verifyPassword } from "@/lib/auth/password";
import { abandonSignInAttempt, beginSignInAttempt, normalizeEmail, signInSucceeded, takeHashSlot } from "@/lib/auth/login-throttle";
import type { ActionName } from "@/lib/activity/actions";
import { recordActivity } from "@/lib/activity/record";
import { db } from "@/lib/db";
import { ServiceError } from "@/lib/errors";

export function retryMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  // The back-off can reach a day: past an hour, say hours.
  if (minutes > 60) {
    const hours = Math.ceil(minutes / 60);
    return `Too many attempts — try again in ${hours} hour${hours === 1 ? "" : "s"}.`;
  }
  return `Too many attempts — try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

/** The process-wide budget of password checks is spent for the moment: nothing about this account. */
export const BUSY_MESSAGE = "Too many sign-ins at once — try again in a few seconds.";

/**
 * Checks an email and password, throttled per account + address, per account and per client
 * address (lib/auth/login-throttle.ts), with a process-wide cap on password checks. Every
 * attempt, allowed or not, is recorded. Returns the user's id; throws `unauthorized` or
 * `rate_limited` (with retryAfter). A bcrypt hash is replaced by an argon2id one on success.
 */
export async function checkPassword(
  rawEmail: string,
  password: string,
  client: ClientInfo,
  action: Extract<ActionName, "auth.login" | "auth.token.login"> = "auth.login",
): Promise<{ userId: string; email: string }> {
  const email = normalizeEmail(rawEmail);
  const refuse = async (reason: string, message: string, retryAfter: number, userId?: string): Promise<never> => {
    await recordActivity({ kind: "anonymous", userId, email, client }, { action, outcome: "denied", reason });
    throw new ServiceError("rate_limited", message, undefined, retryAfter);
  };

  // Counted as a failure in the same step as the check, before the (slow) hash check, and
  // taken back on success: parallel guesses each see the ones before them.
  const attempt = await beginSignInAttempt(email, client.ip);
  if (!attempt.allowed) {
    return refuse("rate limited: too many failed sign-ins", retryMessage(attempt.retryAfterSeconds), attempt.retryAfterSeconds);
  }
  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, disabled: true, passwordHash: true },
  });
  const busyMs = takeHashSlot(hashKind(user?.passwordHash));
  if (busyMs > 0) {
    await abandonSignInAttempt(attempt);
    return refuse("rate limited: too many sign-ins at once", BUSY_MESSAGE, Math.min(60, Math.ceil(busyMs / 1000)));
  }
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
  await signInSucceeded(email, client.ip, attempt);
  const upgraded = needsRehash(user.passwordHash) ? await hashPassword(password) : undefined;
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
    // Only if the hash is still the one just checked: a password change in between wins.
    if (upgraded) await tx.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash: upgraded } });
    await recordActivity({ kind: "anonymous", userId: user.id, email, client }, { action, outcome: "allowed" }, tx);
  });
  return { userId: user.id, email: user.email };
}
