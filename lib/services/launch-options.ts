import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { membershipRole, tenantWhere } from "@/lib/authz";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { tenantNetworkName } from "@/lib/docker/networks";
import { stringsOf } from "@/lib/services/json-columns";
import { memberTenant } from "@/lib/services/member-tenant";
import { remaining } from "@/lib/quota/fits";
import { quotaOf } from "@/lib/quota/quota";
import { holdsResources, usageOf } from "@/lib/quota/usage";
import { notFound } from "@/lib/errors";

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

/** What the launch form starts from when it edits or duplicates a container. Never an env value: only the keys. */
export interface ContainerFormValues {
  id: string;
  name: string;
  /** Null when the container's image has left the catalog: the form then asks for one. */
  imageId: string | null;
  imageRef: string;
  command: string[] | null;
  envKeys: string[];
  ports: { container: number; protocol: "tcp" | "udp"; expose: "https" | "port" }[];
  volumes: { volume: string; path: string; readOnly: boolean }[];
  memoryMb: number;
  cpuMillis: number;
  readOnlyRootfs: boolean;
  restart: "no" | "on-failure";
}

/**
 * The launch form's options and starting values for editing (`edit`) or duplicating
 * (`duplicate`) a container the actor may act on; another tenant's container is not_found,
 * and anyone who may not launch in its tenant (operators) is refused as a launch would be.
 * For an edit, what the container itself holds counts as left: an edit needs only the difference.
 */
export async function getContainerForm(actor: Actor, containerId: string, purpose: "edit" | "duplicate") {
  const row = await db.container.findFirst({
    where: { id: containerId, tenant: tenantWhere(actor) },
    include: { ports: true, routes: true, mounts: { include: { volume: { select: { name: true } } } } },
  });
  if (!row) throw notFound("Container");
  const options = await getLaunchOptions(actor, row.tenantId);
  const image = row.imageId ? options.images.find((i) => i.id === row.imageId) : undefined;
  if (purpose === "edit" && holdsResources(row)) {
    const used = { ...options.used, memoryMb: options.used.memoryMb - row.memoryMb, cpuMillis: options.used.cpuMillis - row.cpuMillis };
    options.left = remaining(options.quota, used);
  }
  const https = row.routes.map((r) => ({ container: r.containerPort, protocol: "tcp" as const, expose: "https" as const }));
  const published = row.ports.map((p) => ({
    container: p.containerPort,
    protocol: p.protocol === "udp" ? ("udp" as const) : ("tcp" as const),
    expose: "port" as const,
  }));
  const values: ContainerFormValues = {
    id: row.id,
    name: row.name,
    imageId: image?.id ?? null,
    imageRef: row.imageRef,
    command: stringsOf(row.command),
    envKeys: stringsOf(row.envKeys) ?? [],
    ports: [...https, ...published].sort((a, b) => a.container - b.container),
    volumes: row.mounts.map((m) => ({ volume: m.volume.name, path: m.path, readOnly: m.readOnly })),
    memoryMb: row.memoryMb,
    cpuMillis: row.cpuMillis,
    readOnlyRootfs: row.readOnlyRootfs,
    restart: row.restart === "on-failure" ? "on-failure" : "no",
  };
  return { options, values, status: row.status };
}
