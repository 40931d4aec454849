import "server-only";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { requireRole } from "@/lib/authz";
import { db, type Tx } from "@/lib/db";
import { ServiceError, notFound } from "@/lib/errors";
import { command } from "@/lib/services/command";
import { changePasswordSchema, resetPasswordSchema } from "@/lib/schemas/user";
import { parseInput } from "@/lib/validation";

/**
 * A new password hash for a user, and the end of everything signed in with the old one:
 * sessions signed in before now stop at their next request (User.sessionsValidFrom, checked
 * in lib/auth/load-actor.ts) and every API token is revoked, in the caller's transaction.
 * Whoever learned the old password, or holds a session or token from before, is out.
 */
async function replacePassword(tx: Tx, userId: string, passwordHash: string): Promise<{ email: string; tokensRevoked: number; at: Date }> {
  const at = new Date();
  const user = await tx.user.update({ where: { id: userId }, data: { passwordHash, sessionsValidFrom: at }, select: { email: true } });
  const { count } = await tx.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: at } });
  return { email: user.email, tokensRevoked: count, at };
}

/**
 * The signed-in user changes their own password, proving it with the current one (a session
 * left open on a shared screen cannot lock its owner out). The caller's other sessions and
 * all their API tokens end, the calling token included; the UI signs its own session in
 * again with the new password (lib/actions/account.ts). Wrong guesses count against the
 * command's write limit (lib/services/write-limits.ts), refused or not.
 */
export const changeOwnPassword = command("user.password.change", async (cmd, input: unknown): Promise<{ sessionsValidFrom: string }> => {
  cmd.about({ target: `user:${cmd.actor.email}`, details: { userId: cmd.actor.userId } });
  const data = parseInput(changePasswordSchema, input);
  const user = await db.user.findUnique({ where: { id: cmd.actor.userId }, select: { passwordHash: true } });
  if (!user) throw notFound("User");
  if (!(await verifyPassword(data.currentPassword, user.passwordHash))) {
    throw new ServiceError("validation_failed", "The current password is not right.", [
      { path: "currentPassword", message: "this is not your current password" },
    ]);
  }
  if (data.newPassword === data.currentPassword) {
    throw new ServiceError("validation_failed", "The new password is the current one.", [
      { path: "newPassword", message: "choose a password different from the current one" },
    ]);
  }
  const passwordHash = await hashPassword(data.newPassword);
  const done = await cmd.commit(
    (tx) => replacePassword(tx, cmd.actor.userId, passwordHash),
    (r) => ({ details: { userId: cmd.actor.userId, tokensRevoked: r.tokensRevoked, sessionsEnded: true } }),
  );
  return { sessionsValidFrom: done.at.toISOString() };
});

/**
 * An admin sets a new password for another user (who forgot theirs, or whose account is
 * suspected taken): that user's sessions and API tokens all end. Not for the admin's own
 * account: that is changeOwnPassword, which asks for the current password, so a stolen admin
 * session cannot take the account over by resetting it.
 */
export const resetUserPassword = command(
  "user.password.reset",
  async (cmd, userId: string, input: unknown): Promise<void> => {
    requireRole(cmd.actor, "admin");
    const data = parseInput(resetPasswordSchema, input);
    if (userId === cmd.actor.userId) {
      throw new ServiceError("conflict", "Change your own password on your account page; it asks for the current one.", [
        { path: "password", message: "not for your own account" },
      ]);
    }
    const passwordHash = await hashPassword(data.password);
    await cmd.commit(
      async (tx) => {
        const exists = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
        if (!exists) throw notFound("User");
        return replacePassword(tx, userId, passwordHash);
      },
      (r) => ({ target: `user:${r.email}`, details: { userId, tokensRevoked: r.tokensRevoked, sessionsEnded: true } }),
    );
  },
  ([userId]) => ({ target: `user:${userId}` }),
);
