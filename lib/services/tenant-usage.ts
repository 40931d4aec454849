import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { assertCanReadTenant, tenantWhere } from "@/lib/authz";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { overLimits, pressureOf } from "@/lib/quota/pressure";
import { quotaOf, type Quota, type Usage } from "@/lib/quota/quota";
import { NO_USAGE, usageByTenant, usageOf } from "@/lib/quota/usage";
import { toTenantDto } from "@/lib/services/tenants";
import type { TenantDto } from "@/lib/schemas/tenant";
import type { Prisma, Tenant } from "@/lib/generated/prisma/client";
import { orderOf, pageWindow, tenantListQuerySchema, type ListPage } from "@/lib/schemas/list-query";
import { parseInput } from "@/lib/validation";

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

/** Most pressed first. Not b - a: two tenants over a zero limit both have Infinity, and Infinity - Infinity is NaN. */
const byPressure = (a: TenantWithUsage, b: TenantWithUsage) => (a.pressure === b.pressure ? 0 : a.pressure < b.pressure ? 1 : -1);

async function withUsage(tenants: Tenant[]): Promise<TenantWithUsage[]> {
  const usage = await usageByTenant(
    db,
    tenants.map((t) => t.id),
  );
  return tenants.map((t) => {
    const quota = quotaOf(t);
    const used = usage.get(t.id) ?? { ...NO_USAGE };
    return { tenant: toTenantDto(t), quota, used, pressure: pressureOf(quota, used), over: overLimits(quota, used).map((s) => s.label) };
  });
}

/**
 * One page of the tenants the actor can see (tenantWhere in the query), searched by name or
 * slug, with their usage (GET /tenants, the tenants page). Pressure is computed from usage,
 * not stored: sorted by it, every matching tenant is read and sorted here before the page is
 * cut (a few hundred rows at most); sorted by a column, the database sorts and pages.
 */
export async function queryTenants(actor: Actor, input: unknown): Promise<ListPage<TenantWithUsage>> {
  const query = parseInput(tenantListQuerySchema, input);
  const sort = query.sort ?? "pressure";
  const order = orderOf(sort, query.order);
  // `contains` is LIKE: case-blind for ASCII on SQLite.
  const where: Prisma.TenantWhereInput = {
    ...tenantWhere(actor),
    ...(query.q ? { OR: [{ name: { contains: query.q } }, { slug: { contains: query.q.toLowerCase() } }] } : {}),
  };
  if (sort === "pressure") {
    const all = await withUsage(await db.tenant.findMany({ where, orderBy: [{ name: "asc" }, { id: "asc" }] }));
    all.sort((a, b) => (order === "desc" ? byPressure(a, b) : byPressure(b, a)));
    const { skip, take } = pageWindow(query);
    return { items: all.slice(skip, skip + take), total: all.length, page: query.page, pageSize: query.pageSize };
  }
  const column = { name: "name", slug: "slug", created: "createdAt" } as const;
  const [total, tenants] = await Promise.all([
    db.tenant.count({ where }),
    db.tenant.findMany({ where, orderBy: [{ [column[sort]]: order }, { id: "asc" }], ...pageWindow(query) }),
  ]);
  return { items: await withUsage(tenants), total, page: query.page, pageSize: query.pageSize };
}
