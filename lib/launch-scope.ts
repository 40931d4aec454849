import "server-only";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { tenantNetworkName } from "@/lib/docker/networks";
import type { Capability, ExpectedScope } from "@/lib/policy";
import type { CatalogImage, Container, PortAllocation, Tenant } from "@/lib/generated/prisma/client";

export function allowedCapabilities(tenant: Pick<Tenant, "allowNetBindService">): Capability[] {
  return tenant.allowNetBindService ? ["NET_BIND_SERVICE"] : [];
}

/**
 * What a container of this tenant may look like, from Berth's own records: the assertion
 * checks create bodies against it and the verifier checks live containers. It is built
 * from the database, never from the object being checked.
 */
export async function expectedScopeFor(
  tenant: Tenant,
  container?: { id: string; imageRef: string },
  /**
   * `asLaunch`: the assertion of a create for this container (a launch, or the new container
   * of an edit), held to today's tenant policy like a new launch rather than to what the
   * container it replaces was launched with.
   */
  options: { asLaunch?: boolean } = {},
): Promise<ExpectedScope> {
  const cfg = config();
  // Plain SQL: the reconciler builds this scope for every container it refreshes, and Prisma
  // compiles each model query anew (docs/benchmarks.md); these are the same reads.
  const [volumes, images, recorded] = await Promise.all([
    db.$queryRaw<{ dockerName: string }[]>`SELECT "dockerName" FROM "Volume" WHERE "tenantId" = ${tenant.id}`,
    container ? Promise.resolve([{ ref: container.imageRef }]) : db.$queryRaw<{ ref: string }[]>`SELECT "ref" FROM "CatalogImage"`,
    container ? recordedLaunch(container.id) : null,
  ]);
  const requireHealthcheck = container ? await imageDefinesHealthcheck(container.imageRef) : undefined;
  // A known container is held to what it was launched with, not to today's tenant policy
  // or operator settings: tightening a policy applies to launches from now on and must not
  // turn running containers into "drift". Its hardening controls never loosen this way.
  // While the row is still `creating` this is the launch's own assertion: today's policy.
  const launched = recorded && recorded.status !== "creating" && !options.asLaunch ? recorded : null;
  // An edit keeps the host ports its container already holds, even where the range was narrowed since.
  const ports = (options.asLaunch ? recorded?.ports : launched?.ports) ?? [];
  const portRange = {
    from: Math.min(cfg.portRange.from, ...ports.map((p) => p.hostPort)),
    to: Math.max(cfg.portRange.to, ...ports.map((p) => p.hostPort)),
  };
  return {
    tenantId: tenant.id,
    uid: tenant.uid,
    gid: tenant.uid,
    networkName: tenantNetworkName(tenant.slug),
    // NET_BIND_SERVICE is only ever granted for a container port below 1024 (and capabilities
    // cannot be added to a running container), so a known container may keep it then.
    allowedCapabilities: launched ? (launched.ports.some((p) => p.containerPort < 1024) ? ["NET_BIND_SERVICE"] : []) : allowedCapabilities(tenant),
    allowedImageRefs: images.map((i) => i.ref),
    ownedVolumeNames: volumes.map((v) => v.dockerName),
    hostIp: options.asLaunch ? cfg.publishAddress : (ports[0]?.hostIp ?? cfg.publishAddress),
    allowPublicBind: cfg.allowPublicBind,
    portRange,
    allowWritableRootfs: launched ? !launched.readOnlyRootfs : tenant.allowWritableRootfs,
    requireHealthcheck,
    allowedRuntimes: [],
    berthId: container?.id,
    // For a known container, exactly the limits Berth recorded for it: a `docker update`
    // that raises them is drift (the reconciler quarantines it), and a container launched
    // before an admin lowered the tenant's maximum stays valid. At launch the row holds the
    // request, which buildCreateOptions has already held to the tenant's maximum.
    maxMemoryMb: recorded?.memoryMb ?? tenant.containerMaxMemoryMb,
    maxCpuMillis: recorded?.cpuMillis ?? tenant.containerMaxCpuMillis,
  };
}

/** What Berth recorded for a container (its limits and host ports), or null: a row gone. */
async function recordedLaunch(containerId: string) {
  const [row] = await db.$queryRaw<Pick<Container, "status" | "memoryMb" | "cpuMillis" | "readOnlyRootfs">[]>`
    SELECT "status", "memoryMb", "cpuMillis", "readOnlyRootfs" FROM "Container" WHERE "id" = ${containerId}`;
  if (!row) return null;
  const ports = await db.$queryRaw<Pick<PortAllocation, "hostIp" | "hostPort" | "containerPort">[]>`
    SELECT "hostIp", "hostPort", "containerPort" FROM "PortAllocation" WHERE "containerId" = ${containerId}`;
  return { ...row, ports };
}

/**
 * Whether the catalog image defines a healthcheck (JSON `null` counts as none, as Prisma reads
 * a Json column); undefined for an image no longer in the catalog.
 */
async function imageDefinesHealthcheck(ref: string): Promise<boolean | undefined> {
  const [row] = await db.$queryRaw<{ defined: number | bigint }[]>`
    SELECT CASE WHEN "healthcheck" IS NULL OR "healthcheck" = 'null' THEN 0 ELSE 1 END AS "defined" FROM "CatalogImage" WHERE "ref" = ${ref}`;
  return row ? Number(row.defined) === 1 : undefined;
}

/**
 * The scope of a launch's own create, for the assertion: what expectedScopeFor(tenant,
 * container, { asLaunch: true }) reads back while the row is `creating`, built instead from
 * the records the launch has just read and written itself (the tenant as its reservation
 * locked it, the catalog image, the row's limits, the host ports it was given, the volumes
 * it mounts). Still from Berth's records, never from the create body; narrower than the read
 * only in the volumes, which are those this launch mounts rather than all of the tenant's.
 */
export function launchScope(
  tenant: Tenant,
  launch: {
    containerId: string;
    image: Pick<CatalogImage, "ref" | "healthcheck">;
    memoryMb: number;
    cpuMillis: number;
    hostPorts: readonly { hostPort: number }[];
    volumeNames: readonly string[];
  },
): ExpectedScope {
  const cfg = config();
  const ports = launch.hostPorts.map((p) => p.hostPort);
  return {
    tenantId: tenant.id,
    uid: tenant.uid,
    gid: tenant.uid,
    networkName: tenantNetworkName(tenant.slug),
    allowedCapabilities: allowedCapabilities(tenant),
    allowedImageRefs: [launch.image.ref],
    ownedVolumeNames: [...launch.volumeNames],
    hostIp: cfg.publishAddress,
    allowPublicBind: cfg.allowPublicBind,
    portRange: { from: Math.min(cfg.portRange.from, ...ports), to: Math.max(cfg.portRange.to, ...ports) },
    allowWritableRootfs: tenant.allowWritableRootfs,
    requireHealthcheck: launch.image.healthcheck !== null,
    allowedRuntimes: [],
    berthId: launch.containerId,
    maxMemoryMb: launch.memoryMb,
    maxCpuMillis: launch.cpuMillis,
  };
}
