import "server-only";
import type Dockerode from "dockerode";
import { ingressSettings } from "@/lib/ingress/settings";
import { engineDocker as docker } from "@/lib/docker/engine-client";
import { engineKind } from "@/lib/docker/engine-config";
import { isStatus, toServiceError } from "@/lib/docker/errors";
import { LABEL, belongsTo, testLabels } from "@/lib/docker/labels";
import { ServiceError } from "@/lib/errors";

export function tenantNetworkName(slug: string): string {
  return `berth-${slug}`;
}

/**
 * The tenant's own bridge network (control N1), or on Swarm its own overlay (S2), created on first launch. Docker isolates
 * user-defined bridges from each other, so tenants cannot reach each other, while a
 * tenant's containers resolve each other by name. Without outbound access the network is
 * `internal` (no route off the host).
 */
export async function ensureTenantNetwork(
  tenant: { id: string; slug: string },
  allowOutbound: boolean,
  options: { mayRecreate: boolean } = { mayRecreate: false },
): Promise<string> {
  // Concurrent first launches of one tenant would each create the network: the engine no
  // longer honours CheckDuplicate, and same-named networks make every later attach fail as
  // "ambiguous". So one creation per tenant at a time; the others wait for it.
  const pending = networksInFlight.get(tenant.id);
  if (pending) return pending;
  const created = ensureNetworkOnce(tenant, allowOutbound, options.mayRecreate).finally(() => networksInFlight.delete(tenant.id));
  networksInFlight.set(tenant.id, created);
  return created;
}

const networksInFlight = new Map<string, Promise<string>>();

async function ensureNetworkOnce(tenant: { id: string; slug: string }, allowOutbound: boolean, mayRecreate: boolean): Promise<string> {
  const name = tenantNetworkName(tenant.slug);
  try {
    const existing = await docker()
      .getNetwork(name)
      .inspect()
      .catch((error: unknown) => {
        if (isStatus(error, 404)) return null;
        throw error;
      });
    if (existing) {
      if (!belongsTo(existing.Labels, tenant.id)) {
        throw new Error(`network ${name} exists but is not Berth's network for this tenant`);
      }
      if (existing.Internal === !allowOutbound) return name;
      // Docker fixes `internal` when a network is created. A changed outbound policy can only
      // take effect on a new network, and stopped containers still point at the old one, so it
      // is recreated only when the tenant has no other containers; otherwise the launch is
      // refused rather than silently running with the old setting.
      if (!mayRecreate || (await networkInUse(existing))) {
        throw new ServiceError(
          "conflict",
          `This tenant's outbound network access was ${allowOutbound ? "allowed" : "turned off"} after its network was created. It takes effect once the tenant's existing containers are removed; remove them and launch again.`,
        );
      }
      await detachEdge(existing);
      await docker().getNetwork(name).remove();
    }
    await docker()
      .createNetwork({
        Name: name,
        // Swarm (S2): an overlay spanning the nodes, attachable so Berth's edge (a plain
        // container on the manager) can join it; services on it use dnsrr endpoints.
        Driver: engineKind() === "swarm" ? "overlay" : "bridge",
        ...(engineKind() === "swarm" ? { Attachable: true } : {}),
        CheckDuplicate: true,
        Internal: !allowOutbound,
        Labels: { [LABEL.managed]: "true", [LABEL.tenant]: tenant.id, ...testLabels() },
      })
      .catch((error: unknown) => {
        // Two first launches racing: the other one created it; that is fine.
        if (isStatus(error, 409)) return null;
        throw error;
      });
    return name;
  } catch (error) {
    throw toServiceError(error, `Preparing the tenant network ${name}`);
  }
}

/** Removes the tenant network if Berth owns it; used by tests and tenant clean-up. */
export async function removeTenantNetwork(tenant: { id: string; slug: string }): Promise<void> {
  const network = docker().getNetwork(tenantNetworkName(tenant.slug));
  const info = await network.inspect().catch(() => null);
  if (info && belongsTo(info.Labels, tenant.id)) {
    await detachEdge(info);
    await network.remove().catch(() => undefined);
  }
}

/**
 * Berth's edge joins a tenant's network to reach its apps (lib/ingress/edge-sync.ts). It is
 * Berth's own container, not the tenant's: it neither keeps the network in use nor stops its
 * removal (the edge re-joins a recreated network on its next pass).
 */
const isEdge = (endpoint: { Name?: string }) => endpoint.Name === ingressSettings().edgeName;

function tenantContainersOn(network: Dockerode.NetworkInspectInfo) {
  return Object.values(network.Containers ?? {}).filter((c) => !isEdge(c));
}

/**
 * Whether anything of the tenant's still uses its network. On Swarm the manager's inspect of
 * an overlay lists only the manager's own containers on it: a service whose task runs on
 * another node, or one scaled to 0 (stopped), is not there. Any service whose spec attaches
 * the overlay keeps it in use, as a stopped container does on one engine.
 */
async function networkInUse(network: Dockerode.NetworkInspectInfo): Promise<boolean> {
  if (tenantContainersOn(network).length > 0) return true;
  if (engineKind() !== "swarm") return false;
  const services = (await docker().listServices()) as {
    Spec?: { TaskTemplate?: { Networks?: { Target?: string }[] }; Networks?: { Target?: string }[] };
  }[];
  return services.some((service) =>
    [...(service.Spec?.TaskTemplate?.Networks ?? []), ...(service.Spec?.Networks ?? [])].some(
      (n) => n.Target === network.Id || n.Target === network.Name,
    ),
  );
}

async function detachEdge(network: Dockerode.NetworkInspectInfo): Promise<void> {
  for (const [id, endpoint] of Object.entries(network.Containers ?? {})) {
    if (isEdge(endpoint))
      await docker()
        .getNetwork(network.Name)
        .disconnect({ Container: id, Force: true })
        .catch(() => undefined);
  }
}
