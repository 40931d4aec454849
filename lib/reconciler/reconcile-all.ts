import "server-only";
import { recordActivity } from "@/lib/activity/record";
import { db } from "@/lib/db";
import { listManagedVolumesAndNetworks } from "@/lib/docker/events";
import { inspectWorkload, removeWorkloadsOf } from "@/lib/docker/workloads";
import { refreshContainer } from "@/lib/reconciler/refresh-container";

export interface ReconcileReport {
  at: string;
  checked: number;
  cleanedUp: number;
  orphans: { volumes: string[]; networks: string[] };
}

/**
 * A full pass over every container Berth knows: interrupted launches are cleaned up,
 * everything else is refreshed from the engine (missing, drifted, exited). Containers the
 * engine has but Berth's database does not are never touched: another Berth, or nobody's.
 */
export async function reconcileAll(options: { staleCreatingMs?: number } = {}): Promise<ReconcileReport> {
  const staleBefore = new Date(Date.now() - (options.staleCreatingMs ?? 60_000));
  const rows = await db.container.findMany({ include: { tenant: true } });
  let cleanedUp = 0;
  for (const row of rows) {
    if (row.status === "creating") {
      if (row.createdAt > staleBefore) continue; // a launch may still be in flight
      const removed = await removeWorkloadsOf(row.tenantId, row.id);
      await db.$transaction(async (tx) => {
        await tx.container.delete({ where: { id: row.id } });
        await recordActivity(
          { kind: "system" },
          {
            action: "container.cleanup",
            outcome: "allowed",
            tenantId: row.tenantId,
            target: `container:${row.name}`,
            reason: "a launch was interrupted; its reservation was released",
            details: { containerId: row.id, removedFromEngine: removed },
          },
          tx,
        );
      });
      cleanedUp++;
      continue;
    }
    const info = row.dockerId ? await inspectWorkload(row.tenantId, row.dockerId) : null;
    await refreshContainer(row, info);
  }
  const tenants = new Set((await db.tenant.findMany({ select: { id: true } })).map((t) => t.id));
  const volumes = new Set((await db.volume.findMany({ select: { dockerName: true } })).map((v) => v.dockerName));
  const managed = await listManagedVolumesAndNetworks();
  return {
    at: new Date().toISOString(),
    checked: rows.length,
    cleanedUp,
    orphans: {
      // A volume Berth has no record of (its tenant is gone, or the engine kept it when it was deleted).
      volumes: managed.volumes.filter((v) => !volumes.has(v.name)).map((v) => v.name),
      networks: managed.networks.filter((n) => !tenants.has(n.tenantId)).map((n) => n.name),
    },
  };
}
