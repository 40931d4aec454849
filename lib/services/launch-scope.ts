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
  const [volumes, images] = await Promise.all([
    db.volume.findMany({ where: { tenantId: tenant.id }, select: { dockerName: true } }),
    container ? Promise.resolve([{ ref: container.imageRef }]) : db.catalogImage.findMany({ select: { ref: true } }),
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
    maxMemoryMb: cfg.maxMemoryMb,
    maxCpuMillis: cfg.maxCpuMillis,
  };
}
