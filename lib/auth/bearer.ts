import "server-only";
import { db } from "@/lib/db";
import type { Actor } from "@/lib/auth/actor";
import { hashApiToken, looksLikeApiToken, tokenEnded } from "@/lib/auth/api-token";
import { clientInfoFrom } from "@/lib/auth/client-info";
import { actorOf } from "@/lib/auth/load-actor";
import { ServiceError } from "@/lib/errors";
import type { MembershipRole, Role } from "@/lib/schemas/user";

// Writing lastUsedAt on every call would make each API read a write; a minute's
// resolution is plenty for "last used".
const LAST_USED_RESOLUTION_MS = 60_000;

/** The Actor behind `Authorization: Bearer <token>`, or `unauthorized`. */
export async function actorFromBearer(headers: Headers): Promise<Actor> {
  const header = headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match || !looksLikeApiToken(match[1])) {
    throw new ServiceError("unauthorized", "Send a valid API token as 'Authorization: Bearer <token>'.");
  }
  const token = await tokenWithUser(hashApiToken(match[1]));
  const now = new Date();
  if (!token || tokenEnded(token, now)) {
    throw new ServiceError("unauthorized", "This API token is not valid: it may have expired or been revoked.");
  }
  // The token's creation is checked against the user's sessionsValidFrom as well as its
  // revocation: a token minted while a password change was committing ends with the others.
  const actor = actorOf(token.user, clientInfoFrom(headers), { id: token.id }, token.createdAt);
  if (!actor) throw new ServiceError("unauthorized", "This API token is not valid: its user is disabled or changed their password.");
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.$executeRaw`UPDATE "ApiToken" SET "lastUsedAt" = ${now} WHERE "id" = ${token.id}`;
  }
  return actor;
}

interface TokenUserRow {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  userId: string;
  email: string;
  role: Role;
  disabled: boolean;
  sessionsValidFrom: Date | null;
  membershipTenantId: string | null;
  membershipRole: MembershipRole | null;
  membershipCreatedAt: Date | null;
}

/**
 * The token with its user and memberships as loadActor reads them (ACTOR_USER), in one
 * statement: a row per membership (one with nulls for a user with none). Plain SQL rather
 * than findUnique with include: it runs on every API request, and Prisma's per-call query
 * compilation cost more CPU than the three statements it sent (docs/benchmarks.md).
 */
async function tokenWithUser(tokenHash: string) {
  const rows = await db.$queryRaw<TokenUserRow[]>`
    SELECT t."id", t."createdAt", t."expiresAt", t."lastUsedAt", t."revokedAt",
           u."id" AS "userId", u."email", u."role", u."disabled", u."sessionsValidFrom",
           m."tenantId" AS "membershipTenantId", m."role" AS "membershipRole", m."createdAt" AS "membershipCreatedAt"
    FROM "ApiToken" t
    JOIN "User" u ON u."id" = t."userId"
    LEFT JOIN "Membership" m ON m."userId" = u."id"
    WHERE t."tokenHash" = ${tokenHash}
    ORDER BY m."tenantId"`;
  const [first] = rows;
  if (!first) return null;
  const memberships = rows.flatMap((r) =>
    r.membershipTenantId && r.membershipRole && r.membershipCreatedAt
      ? [{ userId: first.userId, tenantId: r.membershipTenantId, role: r.membershipRole, createdAt: r.membershipCreatedAt }]
      : [],
  );
  const { id, createdAt, expiresAt, lastUsedAt, revokedAt } = first;
  return {
    id,
    createdAt,
    expiresAt,
    lastUsedAt,
    revokedAt,
    user: {
      id: first.userId,
      email: first.email,
      role: first.role,
      disabled: first.disabled,
      sessionsValidFrom: first.sessionsValidFrom,
      memberships,
    },
  };
}
