import "server-only";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { tenantNetworkName } from "@/lib/docker/networks";
import type { Capability, ExpectedScope } from "@/lib/policy";
import type { Tenant } from "@/lib/generated/prisma/client";

export function allowedCapabilities(tenant: Pick<Tenant, "allowNetBindService">): Capability[] {
  return tenant.allowNetBindService ? ["NET_BIND_SERVICE"] : [];
}

/**
 * What a container of this tenant may look like, from Berth's own records: the assertion
 * checks create bodies against it and the verifier checks live containers. It is built
 * from the database, never from the object being checked.
 */
export async function expectedScopeFor(tenant: Tenant, container?: { id: string; imageRef: string }): Promise<ExpectedScope> {
  const cfg = config();
  const [volumes, images, recorded] = await Promise.all([
    db.volume.findMany({ where: { tenantId: tenant.id }, select: { dockerName: true } }),
    container ? Promise.resolve([{ ref: container.imageRef }]) : db.catalogImage.findMany({ select: { ref: true } }),
    container ? db.container.findUnique({ where: { id: container.id }, select: { memoryMb: true, cpuMillis: true } }) : null,
  ]);
  return {
    tenantId: tenant.id,
    uid: tenant.uid,
    gid: tenant.uid,
    networkName: tenantNetworkName(tenant.slug),
    allowedCapabilities: allowedCapabilities(tenant),
    allowedImageRefs: images.map((i) => i.ref),
    ownedVolumeNames: volumes.map((v) => v.dockerName),
    hostIp: cfg.publishAddress,
    allowPublicBind: cfg.allowPublicBind,
    portRange: cfg.portRange,
    allowWritableRootfs: tenant.allowWritableRootfs,
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
