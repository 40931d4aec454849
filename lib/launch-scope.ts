import "server-only";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { tenantNetworkName } from "@/lib/docker/networks";
import type { Capability, ExpectedScope } from "@/lib/policy";
import type { CatalogImage, Tenant } from "@/lib/generated/prisma/client";

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
  const [volumes, images, recorded] = await Promise.all([
    db.volume.findMany({ where: { tenantId: tenant.id }, select: { dockerName: true } }),
    container ? Promise.resolve([{ ref: container.imageRef }]) : db.catalogImage.findMany({ select: { ref: true } }),
    container
      ? db.container.findUnique({
          where: { id: container.id },
          select: {
            status: true,
            memoryMb: true,
            cpuMillis: true,
            readOnlyRootfs: true,
            ports: { select: { hostIp: true, hostPort: true, containerPort: true } },
          },
        })
      : null,
  ]);
  const image = container ? await db.catalogImage.findUnique({ where: { ref: container.imageRef }, select: { healthcheck: true } }) : null;
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
    requireHealthcheck: image ? image.healthcheck !== null : undefined,
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
