import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { assertCanActInTenant, membershipRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { quotaOf } from "@/lib/quota/quota";
import { usageOf } from "@/lib/quota/usage";
import { toTenantDto } from "@/lib/services/tenants";
import type { TenantUsage } from "@/lib/services/tenant-usage";

/**
 * What a member's dashboard shows for one of their tenants above its lists: the tenant, the
 * member's role and the tenant's quota and usage. One read of the tenant row serves both the
 * header and the quota (the page used to read it twice); usage is computed from the rows as
 * everywhere else (lib/quota/usage.ts).
 */
export async function getTenantDashboard(actor: Actor, tenantId: string) {
  assertCanActInTenant(actor, tenantId);
  const tenant = await db.tenant.findFirst({ where: { id: tenantId, memberships: { some: { userId: actor.userId } } } });
  if (!tenant) throw notFound("Tenant");
  const usage: TenantUsage = { quota: quotaOf(tenant), used: await usageOf(db, tenantId) };
  return {
    tenant: toTenantDto(tenant),
    uid: tenant.uid,
    myRole: membershipRole(actor, tenantId),
    usage,
  };
}
