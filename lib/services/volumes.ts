import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { recordActivity } from "@/lib/activity/record";
import { assertCanActInTenant, assertCanReadTenant, tenantWhere } from "@/lib/authz";
import { db } from "@/lib/db";
import { createTenantVolume, removeTenantVolume } from "@/lib/docker/volumes";
import { ServiceError, notFound } from "@/lib/errors";
import { recordRefusal } from "@/lib/services/denials";
import { reserveQuota } from "@/lib/quota/reserve";
import { isUniqueViolation } from "@/lib/services/prisma-errors";
import { createVolumeSchema, type VolumeDto } from "@/lib/schemas/volume";
import { parseInput } from "@/lib/validation";

type VolumeRow = { id: string; tenantId: string; name: string; createdAt: Date; mounts: { containerId: string }[] };

function toVolumeDto(v: VolumeRow): VolumeDto {
  return { id: v.id, tenantId: v.tenantId, name: v.name, createdAt: v.createdAt.toISOString(), inUseBy: v.mounts.map((m) => m.containerId) };
}

/** The tenant's volumes with the containers that mount them (id and name, for the page). */
export async function listVolumeDetails(actor: Actor, tenantId: string) {
  assertCanReadTenant(actor, tenantId);
  const volumes = await db.volume.findMany({
    where: { tenantId, tenant: tenantWhere(actor) },
    include: { mounts: { select: { containerId: true, container: { select: { name: true } } } } },
    orderBy: { name: "asc" },
  });
  return volumes.map((v) => ({ ...toVolumeDto(v), users: v.mounts.map((m) => ({ id: m.containerId, name: m.container.name })) }));
}

export async function listVolumes(actor: Actor, tenantId: string): Promise<VolumeDto[]> {
  return (await listVolumeDetails(actor, tenantId)).map(({ users: _users, ...dto }) => dto);
}

/**
 * Creates a named volume owned by the tenant's uid (see lib/docker/volumes.ts). Owners only.
 * The row is the quota reservation: checked and written in one transaction under the
 * tenant's reservation lock, deleted again if the engine refuses.
 */
export async function createVolume(actor: Actor, tenantId: string, input: unknown): Promise<VolumeDto> {
  assertCanActInTenant(actor, tenantId, "owner");
  const event = { action: "volume.create", tenantId, details: { input: input as Record<string, unknown> } };
  const tenant = await db.tenant.findFirst({ where: { id: tenantId, memberships: { some: { userId: actor.userId } } } });
  if (!tenant) throw notFound("Tenant");
  let row: VolumeRow & { dockerName: string };
  try {
    const { name } = parseInput(createVolumeSchema, input);
    row = await db.$transaction(async (tx) => {
      await reserveQuota(tx, tenantId, { volumes: 1 });
      return tx.volume.create({
        data: { tenantId, name, dockerName: `berth-${tenant.slug}_${name}`, createdById: actor.userId },
        include: { mounts: { select: { containerId: true } } },
      });
    });
  } catch (error) {
    const refused = isUniqueViolation(error)
      ? new ServiceError("conflict", "A volume with this name already exists in this tenant.", [{ path: "name", message: "already in use in this tenant" }])
      : error;
    throw await recordRefusal(actor, event, refused);
  }
  try {
    await createTenantVolume(tenant, row.dockerName);
  } catch (error) {
    await db.volume.delete({ where: { id: row.id } }).catch(() => undefined);
    throw await recordRefusal(actor, { ...event, target: `volume:${row.name}` }, error);
  }
  await recordActivity(actor, { action: "volume.create", outcome: "allowed", tenantId, target: `volume:${row.name}`, details: { volumeId: row.id } });
  return toVolumeDto(row);
}

/** Deletes a volume and its data; refused while any container of the tenant mounts it. */
export async function deleteVolume(actor: Actor, volumeId: string): Promise<void> {
  const volume = await db.volume.findFirst({ where: { id: volumeId, tenant: tenantWhere(actor) } });
  if (!volume) throw notFound("Volume");
  assertCanActInTenant(actor, volume.tenantId, "owner");
  const event = { action: "volume.remove", tenantId: volume.tenantId, target: `volume:${volume.name}`, details: { volumeId } };
  try {
    await db.$transaction(async (tx) => {
      // The tenant lock launches take before they add mounts (lib/quota/reserve.ts): no
      // launch can mount the volume between this check and the row's removal.
      await tx.tenant.update({ where: { id: volume.tenantId }, data: { reservationVersion: { increment: 1 } } });
      const mounts = await tx.containerMount.findMany({ where: { volumeId: volume.id, container: { tenantId: volume.tenantId } }, include: { container: { select: { name: true } } } });
      if (mounts.length) {
        const names = mounts.map((m) => m.container.name).join(", ");
        throw new ServiceError("conflict", `The volume "${volume.name}" is mounted by ${names}; remove those containers first.`);
      }
      await tx.volume.delete({ where: { id: volume.id } });
      await recordActivity(actor, { ...event, outcome: "allowed" }, tx);
    });
  } catch (error) {
    throw await recordRefusal(actor, event, error);
  }
  // The row is gone, so nothing in Berth can mount it any more. Should the engine refuse
  // (something outside Berth uses it), the volume is left and shows as an orphan on /health.
  await removeTenantVolume(volume.tenantId, volume.dockerName).catch((error: unknown) =>
    recordActivity(actor, { ...event, outcome: "failed", reason: `the engine kept the volume: ${error instanceof Error ? error.message : String(error)}` }),
  );
}
