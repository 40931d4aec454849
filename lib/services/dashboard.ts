import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { membershipRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { memberTenant } from "@/lib/services/member-tenant";
import { quotaOf } from "@/lib/quota/quota";
import { usageOf } from "@/lib/quota/usage";
import { toTenantDto } from "@/lib/services/tenants";
import type { TenantUsage } from "@/lib/services/tenant-usage";

/**
 * What a member's dashboard shows for one of their tenants above its lists: the tenant, the
 * member's role and the tenant's quota and usage. One read of the tenant row serves both the
 * header and the quota (the page used to read it twice); usage is computed from the rows as
 * everywhere else (lib/quota/usage.ts). Two plain SQL statements: the tenant with the
 * viewer's membership in its WHERE (memberTenant, which also checks the actor may act in
 * it), and the usage as one grouped query.
 */
export async function getTenantDashboard(actor: Actor, tenantId: string) {
  const tenant = await memberTenant(actor, tenantId);
  const usage: TenantUsage = { quota: quotaOf(tenant), used: await usageOf(db, tenantId) };
  return {
    tenant: toTenantDto(tenant),
    uid: tenant.uid,
    myRole: membershipRole(actor, tenantId),
    usage,
  };
}
