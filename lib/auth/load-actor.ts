import "server-only";
import { db } from "@/lib/db";
import type { Actor, ClientInfo } from "@/lib/auth/actor";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { MembershipRole } from "@/lib/schemas/user";

/** What an Actor is made of: select it with the query that finds the user (one query less). */
export const ACTOR_USER = { id: true, email: true, role: true, disabled: true, memberships: true, sessionsValidFrom: true } as const;

/** A user as an Actor is built from: ACTOR_USER's fields, of the memberships only what the Actor keeps. */
type ActorUser = Omit<Prisma.UserGetPayload<{ select: typeof ACTOR_USER }>, "memberships"> & {
  memberships: { tenantId: string; role: MembershipRole }[];
};

/**
 * Reads the user as it is now; null when it no longer exists or is disabled, or when the
 * credential was issued before the user's sessions were ended (a password change or reset:
 * `issuedAt` is the session's sign-in or the token's creation).
 */
export async function loadActor(userId: string, client: ClientInfo, token?: { id: string }, issuedAt?: Date): Promise<Actor | null> {
  return actorOf(await readActorUser(userId), client, token, issuedAt);
}

type ActorRow = Pick<ActorUser, "id" | "email" | "role" | "disabled" | "sessionsValidFrom"> & {
  tenantId: string | null;
  membershipRole: MembershipRole | null;
};

/**
 * The user and their memberships in one plain SQL query (a LEFT JOIN, one row per membership,
 * bound values, nothing of SQLite's dialect). Every page view and stream re-check runs it:
 * `findUnique` with `memberships` would be two queries (Prisma reads a relation separately),
 * each through the query compiler (docs/benchmarks.md, "Dashboard, round 2 follow-up").
 * Memberships come in tenant-id order, as the index on (userId, tenantId) returned them to
 * the relation query: the first one is a member's default tenant (lib/tenancy/current-tenant.ts).
 */
async function readActorUser(userId: string): Promise<ActorUser | null> {
  const rows = await db.$queryRaw<ActorRow[]>`
    SELECT u."id", u."email", u."role", u."disabled", u."sessionsValidFrom", m."tenantId", m."role" AS "membershipRole"
    FROM "User" u LEFT JOIN "Membership" m ON m."userId" = u."id"
    WHERE u."id" = ${userId}
    ORDER BY m."tenantId"`;
  const first = rows[0];
  if (!first) return null;
  return {
    id: first.id,
    email: first.email,
    role: first.role,
    // SQLite's adapter already gives a boolean; a 0/1 from another driver means the same.
    disabled: Boolean(first.disabled),
    sessionsValidFrom: first.sessionsValidFrom === null ? null : new Date(first.sessionsValidFrom),
    memberships: rows.flatMap((r) => (r.tenantId !== null && r.membershipRole !== null ? [{ tenantId: r.tenantId, role: r.membershipRole }] : [])),
  };
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
