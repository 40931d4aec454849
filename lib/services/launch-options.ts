import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { membershipRole } from "@/lib/authz";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { tenantNetworkName } from "@/lib/docker/networks";
import { stringsOf } from "@/lib/services/json-columns";
import { memberTenant } from "@/lib/services/member-tenant";
import { remaining } from "@/lib/quota/fits";
import { quotaOf } from "@/lib/quota/quota";
import { usageOf } from "@/lib/quota/usage";

/** Everything the launch form needs to offer only what Berth would accept. */
export async function getLaunchOptions(actor: Actor, tenantId: string) {
  const tenant = await memberTenant(actor, tenantId);
  const [images, volumes, used] = await Promise.all([
    db.catalogImage.findMany({ orderBy: { name: "asc" } }),
    db.volume.findMany({ where: { tenantId }, select: { name: true }, orderBy: { name: "asc" } }),
    usageOf(db, tenantId),
  ]);
  const quota = quotaOf(tenant);
  const cfg = config();
  return {
    tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug, suspended: tenant.suspended },
    uid: tenant.uid,
    network: tenantNetworkName(tenant.slug),
    allowWritableRootfs: tenant.allowWritableRootfs,
    allowNetBindService: tenant.allowNetBindService,
    allowOutbound: tenant.allowOutbound,
    canCreateVolumes: membershipRole(actor, tenantId) === "owner",
    // Per-container maxima; the sliders are also bounded by what the quota has left.
    maxMemoryMb: quota.maxContainerMemoryMb,
    maxCpuMillis: quota.maxContainerCpuMillis,
    quota,
    used,
    left: remaining(quota, used),
    publishAddress: cfg.publishAddress,
    images: images.map((i) => ({
      id: i.id,
      name: i.name,
      ref: i.ref,
      description: i.description,
      defaultPort: i.defaultPort,
      defaultCommand: stringsOf(i.defaultCommand) ?? [],
    })),
    volumes: volumes.map((v) => v.name),
  };
}

export type LaunchOptions = Awaited<ReturnType<typeof getLaunchOptions>>;
