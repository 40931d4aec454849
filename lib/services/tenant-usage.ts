import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { assertCanReadTenant, requireRole, tenantWhere } from "@/lib/authz";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { overLimits, pressureOf } from "@/lib/quota/pressure";
import { quotaOf, type Quota, type Usage } from "@/lib/quota/quota";
import { NO_USAGE, usageByTenant, usageOf } from "@/lib/quota/usage";
import { toTenantDto } from "@/lib/services/tenants";
import type { TenantDto } from "@/lib/schemas/tenant";

export interface TenantUsage {
  quota: Quota;
  used: Usage;
}

/** A tenant's quota and what it uses now (GET /tenants/{id}/usage, the dashboard, the tenant page). */
export async function getTenantUsage(actor: Actor, tenantId: string): Promise<TenantUsage> {
  assertCanReadTenant(actor, tenantId);
  const tenant = await db.tenant.findFirst({ where: { id: tenantId, ...tenantWhere(actor) } });
  if (!tenant) throw notFound("Tenant");
  return { quota: quotaOf(tenant), used: await usageOf(db, tenantId) };
}

export interface TenantWithUsage extends TenantUsage {
  tenant: TenantDto;
  /** The tightest limit's used/limit; above 1 means over quota. */
  pressure: number;
  /** Labels of the limits the tenant is above (after a quota was lowered below usage). */
  over: string[];
}

/** Every tenant with its usage, most pressed first (the admin and operator tenants list). */
export async function listTenantsWithUsage(actor: Actor): Promise<TenantWithUsage[]> {
  requireRole(actor, "admin", "operator");
  const tenants = await db.tenant.findMany({ orderBy: { name: "asc" } });
  const usage = await usageByTenant(db);
  return (
    tenants
      .map((t) => {
        const quota = quotaOf(t);
        const used = usage.get(t.id) ?? { ...NO_USAGE };
        return { tenant: toTenantDto(t), quota, used, pressure: pressureOf(quota, used), over: overLimits(quota, used).map((s) => s.label) };
      })
      // Not b - a: two tenants over a zero limit both have Infinity, and Infinity - Infinity is NaN.
      .sort((a, b) => (a.pressure === b.pressure ? 0 : a.pressure < b.pressure ? 1 : -1))
  );
}
