import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { assertCanActInTenant } from "@/lib/authz";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { Tenant } from "@/lib/generated/prisma/client";
import type { MembershipRole } from "@/lib/schemas/user";

/**
 * A tenant the actor acts in: authorized, then read with the membership in the `where`
 * itself (never by id alone), so a bug in the check above cannot hand out another tenant.
 */
export async function memberTenant(actor: Actor, tenantId: string, need: MembershipRole = "member"): Promise<Tenant> {
  assertCanActInTenant(actor, tenantId, need);
  // Plain SQL: every command in a tenant reads it, and Prisma compiles each findFirst anew
  // (docs/benchmarks.md). `SELECT t.*` returns every column of the model, typed by the adapter.
  const [tenant] = await db.$queryRaw<Tenant[]>`
    SELECT t.* FROM "Tenant" t
    WHERE t."id" = ${tenantId} AND EXISTS (SELECT 1 FROM "Membership" m WHERE m."tenantId" = t."id" AND m."userId" = ${actor.userId})`;
  if (!tenant) throw notFound("Tenant");
  return tenant;
}
