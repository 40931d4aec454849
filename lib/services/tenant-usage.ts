import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { assertCanReadTenant, tenantWhere } from "@/lib/authz";
import { db } from "@/lib/db";

/** What a tenant uses now: every container counts, whatever its state. */
export async function getTenantUsage(actor: Actor, tenantId: string) {
  assertCanReadTenant(actor, tenantId);
  const scope = { tenantId, tenant: tenantWhere(actor) };
  const [containers, volumes] = await Promise.all([
    db.container.aggregate({ where: scope, _count: true, _sum: { memoryMb: true, cpuMillis: true } }),
    db.volume.count({ where: scope }),
  ]);
  return {
    containers: containers._count,
    memoryMb: containers._sum.memoryMb ?? 0,
    cpuMillis: containers._sum.cpuMillis ?? 0,
    volumes,
  };
}
