import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { assertCanActInTenant, membershipRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { toTenantDto } from "@/lib/services/tenants";

/** What a member's dashboard shows for one of their tenants. */
export async function getTenantDashboard(actor: Actor, tenantId: string) {
  assertCanActInTenant(actor, tenantId);
  const tenant = await db.tenant.findFirst({
    where: { id: tenantId, memberships: { some: { userId: actor.userId } } },
    include: { _count: { select: { memberships: true } } },
  });
  if (!tenant) throw notFound("Tenant");
  return {
    tenant: toTenantDto(tenant),
    uid: tenant.uid,
    memberCount: tenant._count.memberships,
    myRole: membershipRole(actor, tenantId),
  };
}
