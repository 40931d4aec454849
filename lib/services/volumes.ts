import "server-only";
import { requestSummary } from "@/lib/activity/request-summary";
import type { Actor } from "@/lib/auth/actor";
import { assertCanActInTenant, assertCanReadTenant, tenantWhere } from "@/lib/authz";
import { db, type Tx } from "@/lib/db";
import { createTenantVolume, removeTenantVolume } from "@/lib/docker/volumes";
import { ServiceError, notFound } from "@/lib/errors";
import type { Tenant } from "@/lib/generated/prisma/client";
import { command } from "@/lib/services/command";
import { reserveQuota } from "@/lib/quota/reserve";
import { isUniqueViolation } from "@/lib/prisma-errors";
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

/** A tenant volume's name on the engine: "_" is in neither slugs nor names, so tenants never collide. */
export function volumeDockerName(tenant: Pick<Tenant, "slug">, name: string): string {
  return `berth-${tenant.slug}_${name}`;
}

export const volumeNameTaken = (path: string) =>
  new ServiceError("conflict", "A volume with this name already exists in this tenant.", [{ path, message: "already in use in this tenant" }]);

/**
 * Writes the rows of new volumes inside the caller's reservation transaction, after its
 * quota check: the rows are the reservation. `paths` name each volume's field for errors.
 */
export async function insertVolumeRows(tx: Tx, tenant: Tenant, createdById: string, volumes: { name: string; path: string }[]) {
  const rows: NewVolume[] = [];
  for (const { name, path } of volumes) {
    try {
      rows.push(
        await tx.volume.create({
          data: { tenantId: tenant.id, name, dockerName: volumeDockerName(tenant, name), createdById },
          select: { id: true, name: true, dockerName: true, tenantId: true, createdAt: true },
        }),
      );
    } catch (error) {
      throw isUniqueViolation(error) ? volumeNameTaken(path) : error;
    }
  }
  return rows;
}

export type NewVolume = { id: string; name: string; dockerName: string; tenantId: string; createdAt: Date };

/**
 * Creates the engine's side of new volume rows (owned by the tenant's uid). If any fails,
 * the ones made so far are removed again and the error is thrown: the caller deletes the
 * rows, so nothing half-made is left.
 */
export async function createEngineVolumes(tenant: Tenant, rows: NewVolume[]): Promise<void> {
  const made: NewVolume[] = [];
  try {
    for (const row of rows) {
      await createTenantVolume(tenant, row.dockerName);
      made.push(row);
    }
  } catch (error) {
    for (const row of made) await removeTenantVolume(tenant.id, row.dockerName).catch(() => undefined);
    throw error;
  }
}

/**
 * Creates a named volume owned by the tenant's uid (see lib/docker/volumes.ts). Owners only.
 * The row is the quota reservation: checked and written in one transaction under the
 * tenant's reservation lock, deleted again if the engine refuses.
 */
export const createVolume = command(
  "volume.create",
  async (cmd, tenantId: string, input: unknown): Promise<VolumeDto> => {
    const tenant = await cmd.actingTenant(tenantId, "owner");
    const { name } = parseInput(createVolumeSchema, input);
    cmd.about({ target: `volume:${name}` });
    const [row] = await db.$transaction(async (tx) => {
      await reserveQuota(tx, tenantId, { volumes: 1 });
      return insertVolumeRows(tx, tenant, cmd.actor.userId, [{ name, path: "name" }]);
    });
    try {
      await createEngineVolumes(tenant, [row]);
      await cmd.recordAlone({ details: { volumeId: row.id } });
    } catch (error) {
      await db.volume.delete({ where: { id: row.id } }).catch(() => undefined);
      throw error;
    }
    return toVolumeDto({ ...row, mounts: [] });
  },
  ([_tenantId, input]) => ({ details: { request: requestSummary(input) } }),
);

/** Deletes a volume and its data; refused while any container of the tenant mounts it. */
export const deleteVolume = command(
  "volume.remove",
  async (cmd, volumeId: string): Promise<void> => {
    const volume = await db.volume.findFirst({ where: { id: volumeId, tenant: tenantWhere(cmd.actor) } });
    if (!volume) throw notFound("Volume");
    cmd.about({ tenantId: volume.tenantId, target: `volume:${volume.name}` });
    assertCanActInTenant(cmd.actor, volume.tenantId, "owner");
    await cmd.commit(async (tx) => {
      // The tenant lock launches take before they add mounts (lib/quota/reserve.ts): no
      // launch can mount the volume between this check and the row's removal.
      await tx.tenant.update({ where: { id: volume.tenantId }, data: { reservationVersion: { increment: 1 } } });
      const mounts = await tx.containerMount.findMany({
        where: { volumeId: volume.id, container: { tenantId: volume.tenantId } },
        include: { container: { select: { name: true } } },
      });
      if (mounts.length) {
        const names = mounts.map((m) => m.container.name).join(", ");
        throw new ServiceError("conflict", `The volume "${volume.name}" is mounted by ${names}; remove those containers first.`);
      }
      await tx.volume.delete({ where: { id: volume.id } });
    });
    // The row is gone, so nothing in Berth can mount it any more. Should the engine refuse
    // (something outside Berth uses it), the volume is left and shows as an orphan on /health.
    await removeTenantVolume(volume.tenantId, volume.dockerName).catch((error: unknown) =>
      cmd.note("failed", `the engine kept the volume: ${error instanceof Error ? error.message : String(error)}`),
    );
  },
  ([volumeId]) => ({ details: { volumeId } }),
);
