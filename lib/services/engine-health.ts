import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { requireRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { engineStatus } from "@/lib/docker/engine";
import { leaseHolder } from "@/lib/reconciler/lease";
import { currentReconciler } from "@/lib/reconciler/reconciler";

/** The admin's health page: the engine, the reconciler, and what needs an admin's eye. */
export async function getEngineHealth(actor: Actor) {
  requireRole(actor, "admin");
  const reconciler = currentReconciler()?.snapshot() ?? null;
  const [engine, lease, quarantined] = await Promise.all([
    engineStatus(),
    leaseHolder(`reconciler:${process.env.DOCKER_HOST || "unix:///var/run/docker.sock"}`),
    db.container.findMany({
      where: { status: "quarantined" },
      include: { tenant: { select: { name: true } } },
      orderBy: { stateChangedAt: "desc" },
    }),
  ]);
  return {
    engine,
    reconciler,
    lease: lease ? { holder: lease.holder, expiresAt: lease.expiresAt.toISOString() } : null,
    quarantined: quarantined.map((c) => ({
      id: c.id,
      name: c.name,
      tenantId: c.tenantId,
      tenantName: c.tenant.name,
      reason: c.quarantineReason ?? "",
      at: c.stateChangedAt?.toISOString() ?? null,
    })),
  };
}
