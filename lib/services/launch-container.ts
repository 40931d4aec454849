import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { recordActivity } from "@/lib/activity/record";
import { assertCanActInTenant } from "@/lib/authz";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { ensureTenantNetwork, tenantNetworkName } from "@/lib/docker/networks";
import { launchWorkload, removeWorkload } from "@/lib/docker/workloads";
import { ServiceError, notFound } from "@/lib/errors";
import { buildCreateOptions, checkContainerMaxima, parseLaunchRequest, type LaunchRequest, type TenantContext, type Violation } from "@/lib/policy";
import type { CatalogImage, Tenant } from "@/lib/generated/prisma/client";
import { toContainerDto, type ContainerDto } from "@/lib/services/container-dto";
import { recordRefusal } from "@/lib/services/denials";
import { allowedCapabilities, expectedScopeFor } from "@/lib/services/launch-scope";
import { allocatePorts } from "@/lib/services/port-allocation";
import { isUniqueViolation } from "@/lib/services/prisma-errors";
import { reserveQuota } from "@/lib/quota/reserve";

/** Input problems are 400; anything the hardening policy forbids is 422 (api-v1.md). */
export function violationError(violations: Violation[]): ServiceError {
  const policy = violations.some((v) => v.control !== "INPUT");
  const fields = violations.map((v) => ({ path: v.path, message: v.message }));
  return new ServiceError(
    policy ? "policy_violation" : "validation_failed",
    policy ? "The hardening policy does not allow this launch." : "The launch request is not valid.",
    fields,
  );
}

async function catalogImageFor(req: LaunchRequest): Promise<CatalogImage> {
  const image = req.imageId
    ? await db.catalogImage.findUnique({ where: { id: req.imageId } })
    : await db.catalogImage.findUnique({ where: { ref: req.image ?? "" } });
  if (image) return image;
  const path = req.imageId ? "imageId" : "image";
  throw violationError([{ control: "O2", path, message: "only images from the catalog can be launched; pick one from the catalog" }]);
}

/** Everything Berth decided for this launch, for the policy (also used by the benchmark's raw baseline). */
export function contextFor(tenant: Tenant, req: LaunchRequest, image: CatalogImage, containerId: string, hostPorts: TenantContext["hostPorts"], volumes: Record<string, string>): TenantContext {
  const cfg = config();
  return {
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    berthId: containerId,
    containerName: req.name,
    uid: tenant.uid,
    gid: tenant.uid,
    networkName: tenantNetworkName(tenant.slug),
    allowedCapabilities: allowedCapabilities(tenant),
    // The tenant's own per-container maxima (set with its quota; new tenants copy QuotaDefaults).
    maxMemoryMb: tenant.containerMaxMemoryMb,
    maxCpuMillis: tenant.containerMaxCpuMillis,
    allowWritableRootfs: tenant.allowWritableRootfs,
    image: {
      id: image.id,
      ref: image.ref,
      defaultCommand: image.defaultCommand ? (JSON.parse(image.defaultCommand) as string[]) : undefined,
      healthcheck: image.healthcheck ? JSON.parse(image.healthcheck) : undefined,
    },
    hostIp: cfg.publishAddress,
    allowPublicBind: cfg.allowPublicBind,
    hostPorts,
    volumes,
    testRunId: process.env.BERTH_TEST_RUN_ID || undefined,
  };
}

/**
 * Launches a hardened container for a tenant. All or nothing: the quota check, the row, its
 * ports and mounts are one transaction (the check takes the tenant's reservation lock first,
 * and usage is counted from Container rows, so the row is the reservation); if building, asserting, creating or starting
 * fails, the container is removed from the engine and the reservation is deleted, so no
 * port stays held and no row is left in a live state. Every refusal is recorded.
 */
export async function launchContainer(actor: Actor, tenantId: string, input: unknown): Promise<ContainerDto> {
  const event = { action: "container.launch", tenantId, details: { request: input as Record<string, unknown> } };
  let tenant: Tenant;
  let req: LaunchRequest;
  let image: CatalogImage;
  let volumeNames: Record<string, { id: string; dockerName: string }>;
  try {
    // Inside the recording: an attempt on a tenant the caller does not belong to is an event too.
    assertCanActInTenant(actor, tenantId);
    const found = await db.tenant.findFirst({ where: { id: tenantId, memberships: { some: { userId: actor.userId } } } });
    if (!found) throw notFound("Tenant");
    tenant = found;
    if (tenant.suspended) throw new ServiceError("conflict", "This tenant is suspended; containers cannot be launched until an administrator resumes it.");
    const parsed = parseLaunchRequest(input);
    if (!parsed.ok) throw violationError(parsed.violations);
    req = parsed.value;
    const tooBig = checkContainerMaxima(req, { maxMemoryMb: tenant.containerMaxMemoryMb, maxCpuMillis: tenant.containerMaxCpuMillis });
    if (tooBig.length) throw violationError(tooBig);
    image = await catalogImageFor(req);
    const volumes = await db.volume.findMany({ where: { tenantId, name: { in: req.volumes.map((v) => v.volume) } } });
    volumeNames = Object.fromEntries(volumes.map((v) => [v.name, { id: v.id, dockerName: v.dockerName }]));
  } catch (error) {
    throw await recordRefusal(actor, event, error);
  }

  let reserved: { id: string; hostPorts: TenantContext["hostPorts"]; tenant: Tenant };
  try {
    reserved = await db.$transaction(async (tx) => {
      const locked = await reserveQuota(tx, tenantId, { containers: 1, memoryMb: req.memoryMb, cpuMillis: req.cpuMillis });
      const row = await tx.container.create({
        data: {
          tenantId,
          name: req.name,
          imageId: image.id,
          imageRef: image.ref,
          status: "creating",
          memoryMb: req.memoryMb,
          cpuMillis: req.cpuMillis,
          command: req.command ? JSON.stringify(req.command) : null,
          envKeys: req.env ? JSON.stringify(Object.keys(req.env)) : null,
          readOnlyRootfs: req.readOnlyRootfs,
          restart: req.restart,
          createdById: actor.userId,
          createdByEmail: actor.email,
        },
      });
      const cfg = config();
      const hostPorts = await allocatePorts(tx, row.id, req.ports, cfg.publishAddress, cfg.portRange);
      const mounts = req.volumes.filter((v) => volumeNames[v.volume]);
      if (mounts.length) {
        await tx.containerMount.createMany({
          data: mounts.map((v) => ({ containerId: row.id, volumeId: volumeNames[v.volume].id, path: v.path, readOnly: v.readOnly })),
        });
      }
      return { id: row.id, hostPorts, tenant: locked };
    });
  } catch (error) {
    const refused = isUniqueViolation(error, "name")
      ? new ServiceError("conflict", `A container named "${req.name}" already exists in this tenant. Choose another name.`, [{ path: "name", message: "already in use in this tenant" }])
      : error;
    throw await recordRefusal(actor, event, refused);
  }

  let dockerId: string | undefined;
  try {
    const volumes = Object.fromEntries(Object.entries(volumeNames).map(([name, v]) => [name, v.dockerName]));
    const built = buildCreateOptions(req, contextFor(reserved.tenant, req, image, reserved.id, reserved.hostPorts, volumes));
    if (!built.ok) throw violationError(built.violations);
    const others = await db.container.count({ where: { tenantId, id: { not: reserved.id }, status: { not: "missing" } } });
    await ensureTenantNetwork(tenant, tenant.allowOutbound, { mayRecreate: others === 0 });
    const scope = await expectedScopeFor(reserved.tenant, { id: reserved.id, imageRef: image.ref });
    dockerId = (await launchWorkload(built.options, scope)).dockerId;
    const launched = dockerId;
    const row = await db.$transaction(async (tx) => {
      const updated = await tx.container.update({
        where: { id: reserved.id },
        data: { dockerId: launched, status: "running" },
        include: { ports: true },
      });
      await recordActivity(actor, {
        action: "container.launch",
        outcome: "allowed",
        tenantId,
        target: `container:${req.name}`,
        details: { containerId: updated.id, dockerId: launched, image: image.ref, request: req },
      }, tx);
      return updated;
    });
    return toContainerDto(row, { dockerId: launched, berthId: row.id, state: "running" });
  } catch (error) {
    // The row goes only once the engine is clean; if removal fails it stays `creating`, and
    // the reconciler's next pass removes the container and releases the reservation.
    const engineClean = dockerId ? await removeWorkload(tenantId, dockerId).then(() => true, () => false) : true;
    if (engineClean) await db.container.delete({ where: { id: reserved.id } }).catch(() => undefined);
    throw await recordRefusal(actor, { ...event, target: `container:${req.name}` }, error);
  }
}
