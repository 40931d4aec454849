import "server-only";
import { requestSummary } from "@/lib/activity/request-summary";
import type { Actor } from "@/lib/auth/actor";
import { recordActivity } from "@/lib/activity/record";
import { membershipRole } from "@/lib/authz";
import { config } from "@/lib/config";
import { cuid } from "@/lib/cuid";
import { db } from "@/lib/db";
import { ensureTenantNetwork, tenantNetworkName } from "@/lib/docker/networks";
import { removeTenantVolume } from "@/lib/docker/volumes";
import { buildWorkloadOptions, launchWorkload, removeWorkload, type WorkloadOptions } from "@/lib/docker/workloads";
import { ServiceError } from "@/lib/errors";
import { checkContainerMaxima, parseLaunchRequest, type ExpectedScope, type LaunchRequest, type TenantContext, type Violation } from "@/lib/policy";
import type { CatalogImage, Container, Tenant } from "@/lib/generated/prisma/client";
import { command, type Command } from "@/lib/services/command";
import { toContainerDto } from "@/lib/services/container-dto";
import type { ContainerDto } from "@/lib/schemas/container";
import { allowedCapabilities, expectedScopeFor, launchScope } from "@/lib/launch-scope";
import { allocatePorts } from "@/lib/services/port-allocation";
import { allocateRoutes, recordRouteChanges } from "@/lib/services/route-allocation";
import { ingressSettings } from "@/lib/ingress/settings";
import { kickEdge } from "@/lib/ingress/edge-sync";
import { healthcheckOf, stringsOf } from "@/lib/services/json-columns";
import { isUniqueViolation } from "@/lib/prisma-errors";
import { createEngineVolumes, insertVolumeRows, volumeNameTaken, type NewVolume } from "@/lib/services/volumes";
import { reserveQuotaUsage } from "@/lib/quota/reserve";

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

/** What a launch needs, read and checked before anything is reserved. */
export interface PreparedLaunch {
  tenant: Tenant;
  req: LaunchRequest;
  image: CatalogImage;
  /** The tenant's existing volumes the request mounts, by name. */
  existingVolumes: Map<string, { id: string; dockerName: string }>;
  /** Volumes the request asks Berth to create (`create: true`), with their field paths. */
  newVolumes: { name: string; path: string }[];
}

/** What the reservation holds: the container row, its host ports, the new volumes' rows. */
export interface LaunchReservation {
  containerId: string;
  tenant: Tenant;
  hostPorts: TenantContext["hostPorts"];
  newVolumes: NewVolume[];
}

/** A launch's own reservation: also the routes it was given and how many containers the tenant had. */
export interface ReservedLaunch extends LaunchReservation {
  routes: { containerPort: number; hostName: string }[];
  /** The tenant's containers (other than gone ones) before this one, counted under the reservation lock. */
  containersBefore: number;
}

/** Everything Berth decided for this launch, for the policy (also used by the benchmark's raw baseline). */
export function contextFor(launch: {
  tenant: Tenant;
  req: LaunchRequest;
  image: CatalogImage;
  containerId: string;
  hostPorts: TenantContext["hostPorts"];
  /** Volume name → the engine's volume name, for every volume the request mounts. */
  volumes: Record<string, string>;
}): TenantContext {
  const { tenant, req, image } = launch;
  const cfg = config();
  return {
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    berthId: launch.containerId,
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
      defaultCommand: stringsOf(image.defaultCommand) ?? undefined,
      healthcheck: healthcheckOf(image.healthcheck),
    },
    hostIp: cfg.publishAddress,
    allowPublicBind: cfg.allowPublicBind,
    hostPorts: launch.hostPorts,
    volumes: launch.volumes,
    testRunId: process.env.BERTH_TEST_RUN_ID || undefined,
  };
}

async function catalogImageFor(req: LaunchRequest): Promise<CatalogImage> {
  // Plain SQL on the launch's hot path (Prisma compiles each call anew: docs/benchmarks.md);
  // the adapter parses the JSON columns as Prisma would.
  const [image] = req.imageId
    ? await db.$queryRaw<CatalogImage[]>`SELECT * FROM "CatalogImage" WHERE "id" = ${req.imageId}`
    : await db.$queryRaw<CatalogImage[]>`SELECT * FROM "CatalogImage" WHERE "ref" = ${req.image ?? ""}`;
  if (image) return image;
  const path = req.imageId ? "imageId" : "image";
  throw violationError([{ control: "O2", path, message: "only images from the catalog can be launched; pick one from the catalog" }]);
}

/**
 * Step 1: parse and check the request against the tenant (suspension, per-container maxima,
 * the catalog, which volumes exist and which are to be created). Reads only.
 */
export async function prepareLaunch(actor: Actor, tenant: Tenant, input: unknown): Promise<PreparedLaunch> {
  if (tenant.suspended)
    throw new ServiceError("conflict", "This tenant is suspended; containers cannot be launched until an administrator resumes it.");
  const parsed = parseLaunchRequest(input);
  if (!parsed.ok) throw violationError(parsed.violations);
  const req = parsed.value;
  if (!ingressSettings().enabled) {
    const https = req.ports.findIndex((p) => p.expose === "https");
    if (https >= 0) {
      throw new ServiceError("validation_failed", "This Berth runs without its HTTPS edge (BERTH_EDGE=off), so it cannot serve web apps by name.", [
        { path: `ports[${https}].expose`, message: 'no HTTPS edge here; use "port" for a raw host port' },
      ]);
    }
  }
  const tooBig = checkContainerMaxima(req, { maxMemoryMb: tenant.containerMaxMemoryMb, maxCpuMillis: tenant.containerMaxCpuMillis });
  if (tooBig.length) throw violationError(tooBig);
  const image = await catalogImageFor(req);
  const rows = req.volumes.length ? await db.volume.findMany({ where: { tenantId: tenant.id, name: { in: req.volumes.map((v) => v.volume) } } }) : [];
  const existingVolumes = new Map(rows.map((v) => [v.name, { id: v.id, dockerName: v.dockerName }]));
  const newVolumes: PreparedLaunch["newVolumes"] = [];
  req.volumes.forEach((v, i) => {
    if (!v.create) return;
    const path = `volumes[${i}].volume`;
    if (membershipRole(actor, tenant.id) !== "owner") {
      throw new ServiceError("forbidden", "Only this tenant's owners can create volumes.", [
        { path, message: "only owners can create volumes; pick an existing one" },
      ]);
    }
    if (existingVolumes.has(v.volume)) throw volumeNameTaken(path);
    newVolumes.push({ name: v.volume, path });
  });
  return { tenant, req, image, existingVolumes, newVolumes };
}

/**
 * Step 2: the reservation, all in one transaction under the tenant's reservation lock: the
 * actor's write limit (the command counts the launch here), the quota check (container,
 * memory, CPU and any new volumes), the container row (which is the reservation), its host
 * ports and routes, the new volumes' rows and the mounts.
 */
export async function reserveLaunch(cmd: Command, launch: PreparedLaunch): Promise<ReservedLaunch> {
  const { actor } = cmd;
  const { tenant, req, image } = launch;
  try {
    return await cmd.transaction(async (tx) => {
      const { tenant: locked, used } = await reserveQuotaUsage(tx, tenant.id, {
        containers: 1,
        memoryMb: req.memoryMb,
        cpuMillis: req.cpuMillis,
        volumes: launch.newVolumes.length,
      });
      // Plain SQL (Prisma compiles each create anew: docs/benchmarks.md), with what Prisma
      // would fill in itself: a cuid() id, createdAt now, the JSON columns as JSON text.
      const row = { id: cuid() };
      const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
      await tx.$executeRaw`
        INSERT INTO "Container" ("id", "tenantId", "name", "imageId", "imageRef", "status", "memoryMb", "cpuMillis", "command", "envKeys", "readOnlyRootfs", "restart", "createdAt", "createdById", "createdByEmail")
        VALUES (${row.id}, ${tenant.id}, ${req.name}, ${image.id}, ${image.ref}, 'creating', ${req.memoryMb}, ${req.cpuMillis}, ${json(req.command)}, ${json(req.env ? Object.keys(req.env) : undefined)}, ${req.readOnlyRootfs}, ${req.restart}, ${new Date()}, ${actor.userId}, ${actor.email})`;
      const cfg = config();
      const published = req.ports.filter((p) => p.expose === "port");
      const hostPorts = await allocatePorts(tx, row.id, published, cfg.publishAddress, cfg.portRange);
      const routes = await allocateRoutes(tx, row.id, { name: req.name, tenantSlug: locked.slug }, req.ports, ingressSettings().appsDomain);
      const newVolumes = await insertVolumeRows(tx, tenant, actor.userId, launch.newVolumes);
      const ids = new Map([...launch.existingVolumes].map(([name, v]) => [name, v.id]));
      for (const v of newVolumes) ids.set(v.name, v.id);
      const mounts = req.volumes.filter((v) => ids.has(v.volume));
      if (mounts.length) {
        await tx.containerMount.createMany({
          data: mounts.map((v) => ({ containerId: row.id, volumeId: ids.get(v.volume) ?? "", path: v.path, readOnly: v.readOnly })),
        });
      }
      return { containerId: row.id, tenant: locked, hostPorts, newVolumes, routes, containersBefore: used.containers };
    });
  } catch (error) {
    if (isUniqueViolation(error, "name") && !(error instanceof ServiceError)) {
      throw new ServiceError("conflict", `A container named "${req.name}" already exists in this tenant. Choose another name.`, [
        { path: "name", message: "already in use in this tenant" },
      ]);
    }
    throw error;
  }
}

/**
 * The create options of a launch (or of an edit's new container), built by the policy from
 * the request and what the reservation holds, in the form the running engine takes (a
 * service spec on Swarm). A refusal here has touched nothing on the engine.
 */
export async function launchOptionsFor(
  launch: PreparedLaunch,
  reserved: Pick<LaunchReservation, "containerId" | "tenant" | "hostPorts" | "newVolumes">,
): Promise<WorkloadOptions> {
  const volumes = Object.fromEntries([...launch.existingVolumes].map(([name, v]) => [name, v.dockerName]));
  for (const v of reserved.newVolumes) volumes[v.name] = v.dockerName;
  const built = await buildWorkloadOptions(
    launch.req,
    contextFor({
      tenant: reserved.tenant,
      req: launch.req,
      image: launch.image,
      containerId: reserved.containerId,
      hostPorts: reserved.hostPorts,
      volumes,
    }),
  );
  if (!built.ok) throw violationError(built.violations);
  return built.options;
}

/**
 * The engine side of a launch (or of an edit's new container): the tenant network, then
 * create and start, asserted against the scope of a launch (today's tenant policy, the
 * image asked for). `scope` is that scope when the caller already holds it (a launch builds
 * it from what it reserved: launchScope); otherwise it is read back (expectedScopeFor).
 * Returns the engine's id; touches no rows.
 */
export async function sendToEngine(
  reserved: Pick<LaunchReservation, "containerId" | "tenant">,
  image: CatalogImage,
  options: WorkloadOptions,
  network: { mayRecreateNetwork: boolean },
  scope?: ExpectedScope,
): Promise<string> {
  const asserted = await readyForEngine(reserved, image, network, scope);
  return (await launchWorkload(options, asserted)).dockerId;
}

/**
 * What sendToEngine does before the create: the tenant network made sure of, and the scope
 * the create is asserted against (given, or read back as a launch's: expectedScopeFor with
 * asLaunch). An edit's redeploy uses it directly.
 */
export async function readyForEngine(
  reserved: Pick<LaunchReservation, "containerId" | "tenant">,
  image: CatalogImage,
  network: { mayRecreateNetwork: boolean },
  scope?: ExpectedScope,
): Promise<ExpectedScope> {
  await ensureTenantNetwork(reserved.tenant, reserved.tenant.allowOutbound, { mayRecreate: network.mayRecreateNetwork });
  return scope ?? (await expectedScopeFor(reserved.tenant, { id: reserved.containerId, imageRef: image.ref }, { asLaunch: true }));
}

/** The assertion's scope for a launch's own create, from what it read and reserved (launchScope). */
export function launchScopeFor(launch: PreparedLaunch, reserved: ReservedLaunch): ExpectedScope {
  return launchScope(reserved.tenant, {
    containerId: reserved.containerId,
    image: launch.image,
    memoryMb: launch.req.memoryMb,
    cpuMillis: launch.req.cpuMillis,
    hostPorts: reserved.hostPorts,
    volumeNames: [...[...launch.existingVolumes.values()].map((v) => v.dockerName), ...reserved.newVolumes.map((v) => v.dockerName)],
  });
}

/**
 * Step 3: the engine. New volumes, the tenant network, the create options built and
 * asserted, create and start; then the row goes live with its success record in one
 * transaction. On any failure the engine is cleaned and the reservation deleted, so no
 * port, volume or row is left behind.
 */
export async function startLaunch(cmd: Command, launch: PreparedLaunch, reserved: ReservedLaunch): Promise<ContainerDto> {
  const { tenant, req, image } = launch;
  let dockerId: string | undefined;
  let volumesMade = false;
  try {
    await createEngineVolumes(tenant, reserved.newVolumes);
    volumesMade = true;
    const options = await launchOptionsFor(launch, reserved);
    // The tenant network may be recreated (for a changed outbound policy) only if no other
    // container of the tenant could be on it: counted by the reservation, under its lock.
    dockerId = await sendToEngine(
      reserved,
      image,
      options,
      { mayRecreateNetwork: reserved.containersBefore === 0 },
      launchScopeFor(launch, reserved),
    );
    const launched = dockerId;
    const publishAddress = config().publishAddress;
    const row = await cmd.commit(
      async (tx) => {
        // Volumes made for this launch are events of their own, in the same transaction.
        for (const v of reserved.newVolumes) {
          await recordActivity(
            cmd.actor,
            {
              action: "volume.create",
              outcome: "allowed",
              tenantId: tenant.id,
              target: `volume:${v.name}`,
              details: { volumeId: v.id, forContainer: req.name },
            },
            tx,
          );
        }
        // Plain SQL (UPDATE … RETURNING, as Prisma's update sends it): Prisma compiles each
        // call anew (docs/benchmarks.md). The reconciler may have removed a row it found
        // without a container: then, as with Prisma's update, the launch fails and is undone.
        const [live] = await tx.$queryRaw<Container[]>`
          UPDATE "Container" SET "dockerId" = ${launched}, "status" = 'running' WHERE "id" = ${reserved.containerId} RETURNING *`;
        if (!live) throw new Error(`the reserved container row ${reserved.containerId} is gone`);
        // The ports and routes are the reservation's own, not read back.
        const updated = {
          ...live,
          ports: reserved.hostPorts.map((p) => ({ hostIp: publishAddress, hostPort: p.hostPort, protocol: p.protocol, containerPort: p.container })),
          routes: reserved.routes,
        };
        await recordRouteChanges(cmd.actor, "ingress.route.add", updated, tx);
        return updated;
      },
      (updated) => ({ details: { containerId: updated.id, dockerId: launched, image: image.ref, request: req } }),
    );
    if (row.routes.length) kickEdge();
    return toContainerDto(row, { dockerId: launched, berthId: row.id, state: "running" });
  } catch (error) {
    // The rows go only once the engine is clean; if removal fails the container row stays
    // `creating`, and the reconciler's next pass removes it and releases the reservation.
    const engineClean = dockerId
      ? await removeWorkload(tenant.id, dockerId).then(
          () => true,
          () => false,
        )
      : true;
    if (engineClean) {
      await db.container.delete({ where: { id: reserved.containerId } }).catch(() => undefined);
      for (const v of reserved.newVolumes) {
        if (volumesMade) await removeTenantVolume(tenant.id, v.dockerName).catch(() => undefined);
        await db.volume.delete({ where: { id: v.id } }).catch(() => undefined);
      }
    }
    throw error;
  }
}

/**
 * Launches a hardened container for a tenant: prepare → reserve → start. All or nothing,
 * and every refusal is recorded (the command path). Volumes marked `create` are made for
 * the launch and removed again if it fails.
 */
export const launchContainer = command(
  "container.launch",
  async (cmd, tenantId: string, input: unknown): Promise<ContainerDto> => {
    const tenant = await cmd.actingTenant(tenantId);
    const launch = await prepareLaunch(cmd.actor, tenant, input);
    cmd.about({ target: `container:${launch.req.name}` });
    const reserved = await reserveLaunch(cmd, launch);
    return startLaunch(cmd, launch, reserved);
  },
  ([_tenantId, input]) => ({ details: { request: requestSummary(input) } }),
  // The launch's write counts in its reservation: one write transaction less per launch.
  { countWrite: "first-transaction" },
);
