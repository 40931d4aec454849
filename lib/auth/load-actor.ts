import "server-only";
import { db } from "@/lib/db";
import type { Actor, ClientInfo } from "@/lib/auth/actor";
import type { Prisma } from "@/lib/generated/prisma/client";

/** What an Actor is made of: select it with the query that finds the user (one query less). */
export const ACTOR_USER = { id: true, email: true, role: true, disabled: true, memberships: true, sessionsValidFrom: true } as const;

type ActorUser = Prisma.UserGetPayload<{ select: typeof ACTOR_USER }>;

/**
 * Reads the user as it is now; null when it no longer exists or is disabled, or when the
 * credential was issued before the user's sessions were ended (a password change or reset:
 * `issuedAt` is the session's sign-in or the token's creation).
 */
export async function loadActor(userId: string, client: ClientInfo, token?: { id: string }, issuedAt?: Date): Promise<Actor | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: ACTOR_USER });
  return actorOf(user, client, token, issuedAt);
}

/** loadActor's rule over a user already read with ACTOR_USER. */
export function actorOf(user: ActorUser | null, client: ClientInfo, token?: { id: string }, issuedAt?: Date): Actor | null {
  if (!user || user.disabled) return null;
  if (issuedAt && credentialEnded(issuedAt, user.sessionsValidFrom)) return null;
  return {
    kind: token ? "token" : "user",
    userId: user.id,
    email: user.email,
    role: user.role,
    tokenId: token?.id,
    issuedAt,
    memberships: user.memberships.map((m) => ({
      tenantId: m.tenantId,
      role: m.role,
    })),
    client,
  };
}

/** Whether a credential issued at `issuedAt` was ended by a password change at `validFrom`. */
export function credentialEnded(issuedAt: Date, validFrom: Date | null): boolean {
  return validFrom !== null && issuedAt.getTime() < validFrom.getTime();
}
