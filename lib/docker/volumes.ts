import "server-only";
import type Dockerode from "dockerode";
import { config } from "@/lib/config";
import { engineForNewVolume, volumeEngine } from "@/lib/docker/engine-client";
import { daemonMessage, isNotFound, toServiceError } from "@/lib/docker/errors";
import { LABEL, belongsTo, testLabels } from "@/lib/docker/labels";
import { ServiceError } from "@/lib/errors";

/**
 * Creates a tenant's named volume (local driver, no driver options: control H2) and hands
 * its root directory to the tenant's uid:gid.
 *
 * The root-owned-volume problem: Docker creates a fresh volume's directory as root 0755,
 * so a tenant container (non-root, no capabilities) could not write to it. Instead of
 * giving the tenant's container any privilege, Berth runs its own one-shot helper right
 * after creating the volume: fixed image and command, no network, read-only root, every
 * capability dropped except CHOWN, and only this volume mounted. It chmods (as the owner,
 * root needs no capability for that) and then chowns the directory to the tenant. Tenants
 * never choose anything about this container, and it is removed when it exits.
 */
export async function createTenantVolume(tenant: { id: string; uid: number }, dockerName: string): Promise<void> {
  // On Swarm the new volume goes to one node (engine-client.ts); a name taken on any node is taken.
  const docker = await engineForNewVolume().catch((error: unknown) => Promise.reject(toServiceError(error, "Choosing a node for the volume")));
  // Docker answers a create for an existing name with that volume, labels and driver
  // options unchanged: a leftover, unmanaged or `o=bind` volume would silently become the
  // tenant's. Refuse any name that is already taken on the engine.
  const existing = await ((await volumeEngine(dockerName).catch(() => null)) ?? docker)
    .getVolume(dockerName)
    .inspect()
    .catch((error: unknown) => (isNotFound(error) ? null : Promise.reject(toServiceError(error, "Checking the volume name"))));
  if (existing)
    throw new ServiceError("conflict", "A volume with this name already exists on the engine; choose another name.", [
      { path: "name", message: "already taken on the engine" },
    ]);
  try {
    await docker.createVolume({
      Name: dockerName,
      Driver: "local",
      Labels: { [LABEL.managed]: "true", [LABEL.tenant]: tenant.id, ...testLabels() },
    });
  } catch (error) {
    throw toServiceError(error, "Creating the volume");
  }
  try {
    await handVolumeToTenant(docker, tenant, dockerName);
  } catch (error) {
    await docker
      .getVolume(dockerName)
      .remove()
      .catch(() => undefined);
    throw error instanceof ServiceError ? error : toServiceError(error, "Preparing the volume");
  }
}

async function handVolumeToTenant(docker: Dockerode, tenant: { id: string; uid: number }, dockerName: string): Promise<void> {
  const uid = Math.trunc(tenant.uid);
  const helper = await docker.createContainer({
    Image: config().helperImage,
    User: "0:0",
    Cmd: ["sh", "-c", `chmod 0770 /volume && chown ${uid}:${uid} /volume`],
    Labels: { [LABEL.managed]: "true", [LABEL.tenant]: tenant.id, [LABEL.role]: "volume-init", ...testLabels() },
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: "none",
      CapDrop: ["ALL"],
      CapAdd: ["CHOWN"],
      SecurityOpt: ["no-new-privileges:true"],
      ReadonlyRootfs: true,
      Memory: 32 * 2 ** 20,
      PidsLimit: 16,
      Mounts: [{ Type: "volume", Source: dockerName, Target: "/volume" }],
    },
  } as Dockerode.ContainerCreateOptions);
  try {
    await helper.start();
    const result = (await helper.wait()) as { StatusCode: number };
    if (result.StatusCode !== 0) {
      const logs = await helper.logs({ stdout: true, stderr: true }).catch(() => Buffer.from(""));
      throw new ServiceError(
        "internal",
        `Preparing the volume failed (exit ${result.StatusCode}): ${logs
          .toString("utf8")
          .replace(/[^\x20-\x7e]/g, "")
          .slice(0, 200)}`,
      );
    }
  } finally {
    await helper.remove({ force: true }).catch(() => undefined);
  }
}

/** Removes a tenant's volume; refuses one that is not Berth's volume for this tenant. */
export async function removeTenantVolume(tenantId: string, dockerName: string): Promise<void> {
  const engine = await volumeEngine(dockerName).catch((error: unknown) => Promise.reject(toServiceError(error, "Finding the volume")));
  if (!engine) return; // on no node: already gone
  const volume = engine.getVolume(dockerName);
  try {
    const info = await volume.inspect();
    if (!belongsTo(info.Labels, tenantId)) throw new ServiceError("not_found", "Volume was not found.");
    await volume.remove();
  } catch (error) {
    if (isNotFound(error)) return;
    if (error instanceof ServiceError) throw error;
    if ((error as { statusCode?: number }).statusCode === 409) {
      throw new ServiceError("conflict", `The volume is still in use on the engine: ${daemonMessage(error)}`);
    }
    throw toServiceError(error, "Removing the volume");
  }
}
