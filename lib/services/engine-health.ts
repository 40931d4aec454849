import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { requireRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { engineStatus } from "@/lib/docker/engine";
import { engineConfig } from "@/lib/docker/engine-config";
import { leaseHolder } from "@/lib/reconciler/lease";
import { reconcilerLeaseName } from "@/lib/reconciler/lease-name";
import { currentReconciler } from "@/lib/reconciler/reconciler";
import { currentEdgeSync, type EdgeHealth } from "@/lib/ingress/edge-sync";
import { ingressSettings } from "@/lib/ingress/settings";

/** The admin's health page: the engine, the reconciler, and what needs an admin's eye. */
export async function getEngineHealth(actor: Actor) {
  requireRole(actor, "admin");
  const reconciler = currentReconciler()?.snapshot() ?? null;
  const settings = ingressSettings();
  const edge: EdgeHealth = currentEdgeSync()?.health ?? {
    enabled: settings.enabled,
    reachable: false,
    routesExpected: await db.ingressRoute.count(),
    routesPresent: 0,
    tls: settings.tls,
    problem: settings.enabled ? "this process does not run the edge's sync (BERTH_RECONCILER=off)" : "the edge is turned off (BERTH_EDGE=off)",
  };
  const [engine, lease, quarantined] = await Promise.all([
    engineStatus(),
    leaseHolder(reconcilerLeaseName(engineConfig())),
    db.container.findMany({
      where: { status: "quarantined" },
      include: { tenant: { select: { name: true } } },
      orderBy: { stateChangedAt: "desc" },
    }),
  ]);
  return {
    engine,
    reconciler,
    edge,
    ingress: { portalUrl: settings.portalUrl, appsDomain: settings.appsDomain },
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
