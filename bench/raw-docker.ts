import { db } from "@/lib/db";
import { docker } from "@/lib/docker/client";
import { LABEL, tenantFilter } from "@/lib/docker/labels";
import { tenantNetworkName } from "@/lib/docker/networks";
import { buildCreateOptions, parseLaunchRequest, type DockerCreateOptions, type TenantContext } from "@/lib/policy";
import { contextFor } from "@/lib/services/launch-container";
import { runId } from "./run-id";

/**
 * The raw-daemon baselines. The create body is the portal's own (buildCreateOptions over a
 * TenantContext assembled exactly as lib/services/launch-container.ts `contextFor` does),
 * sent through the gateway's dockerode client (lib/docker/client.ts; bench/ is covered by
 * the one-client rule too). Only the portal's work around it is missing: that difference is
 * what the ratios measure.
 */

type CreateBody = Parameters<ReturnType<typeof docker>["createContainer"]>[0];

// Host ports of the baseline's own, apart from the range the portal allocates from, so a
// raw container can never take a port the portal has recorded as free.
const rawRange = (() => {
  const m = /^(\d+)-(\d+)$/.exec(process.env.BENCH_RAW_PORT_RANGE ?? "24800-24999");
  if (!m) throw new Error("BENCH_RAW_PORT_RANGE must look like 24800-24999");
  return { from: Number(m[1]), to: Number(m[2]) };
})();
let nextRawPort = rawRange.from;
let rawSeq = 0;

function takeRawPort(): number {
  const port = nextRawPort;
  nextRawPort = port >= rawRange.to ? rawRange.from : port + 1;
  return port;
}

/** The options the portal would send for `request` in this tenant, under a name and Berth id of the baseline's own. */
export async function rawCreateOptions(tenantId: string, request: { name: string } & Record<string, unknown>): Promise<DockerCreateOptions> {
  const [tenant, image] = await Promise.all([
    db.tenant.findUniqueOrThrow({ where: { id: tenantId } }),
    db.catalogImage.findUniqueOrThrow({ where: { ref: String(request.image) } }),
  ]);
  const parsed = parseLaunchRequest(request);
  if (!parsed.ok) throw new Error(`bench launch request is invalid: ${JSON.stringify(parsed.violations)}`);
  const req = parsed.value;
  // Not a row in the database: the reconciler ignores events of ids it does not know.
  const hostPorts = req.ports.map((p) => ({ container: p.container, protocol: p.protocol, hostPort: takeRawPort() }));
  const ctx: TenantContext = {
    ...contextFor({ tenant, req, image, containerId: `${runId}-raw-${++rawSeq}`, hostPorts, volumes: {} }),
    testRunId: runId,
  };

  const built = buildCreateOptions(req, ctx);
  if (!built.ok) throw new Error(`buildCreateOptions refused the bench request: ${JSON.stringify(built.violations)}`);
  return built.options;
}

// Each tenant network Berth creates takes a subnet from the daemon's default address pools,
// which hold only ~31 bridge networks (15 × /16 + 16 × /20) and are shared with every other
// run on this engine. The benchmark needs 31 tenant networks at once, so it creates them
// itself, exactly as lib/docker/networks.ts would (name, driver, labels, `Internal`), but on
// explicit /24s of its own: ensureTenantNetwork then finds and adopts them by their labels.
const subnetBase = process.env.BENCH_SUBNET_BASE ?? "10.213";
let nextSubnet = 0;

export async function prepareTenantNetwork(tenant: { id: string; slug: string; allowOutbound?: boolean }): Promise<void> {
  if (nextSubnet > 255) throw new Error("BENCH_SUBNET_BASE has room for 256 tenant networks");
  await docker().createNetwork({
    Name: tenantNetworkName(tenant.slug),
    Driver: "bridge",
    CheckDuplicate: true,
    Internal: tenant.allowOutbound === false,
    Labels: { [LABEL.managed]: "true", [LABEL.tenant]: tenant.id, [LABEL.test]: runId },
    IPAM: { Driver: "default", Config: [{ Subnet: `${subnetBase}.${nextSubnet++}.0/24` }] },
  });
}

/** create + start, as the gateway's launchWorkload does minus the assertion. */
export async function rawLaunch(options: DockerCreateOptions): Promise<string> {
  const container = await docker().createContainer(options as CreateBody);
  await container.start();
  return container.id;
}

export async function rawRemove(dockerId: string): Promise<void> {
  await docker().getContainer(dockerId).remove({ force: true, v: true });
}

/** `docker ps -a` with the tenant's label filter: the call the portal's list makes. */
export async function rawList(tenantId: string): Promise<number> {
  return (await docker().listContainers({ all: true, filters: tenantFilter(tenantId) })).length;
}

/** Managed containers of one tenant that are running (for the quota proof). */
export async function runningOf(tenantId: string): Promise<number> {
  return (await docker().listContainers({ filters: tenantFilter(tenantId) })).length;
}

/** Removes everything labelled with this run: containers, then networks and volumes. Never throws. */
export async function removeRunObjects(): Promise<{ containers: number; networks: number; volumes: number; networksLeft: number }> {
  const label = { label: [`${LABEL.test}=${runId}`] };
  const d = docker();
  const containers = await d.listContainers({ all: true, filters: label }).catch(() => []);
  for (let i = 0; i < containers.length; i += 20) {
    await Promise.all(
      containers.slice(i, i + 20).map((c) =>
        d
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined),
      ),
    );
  }
  const networks = await d.listNetworks({ filters: label }).catch(() => []);
  // Right after a burst of forced removals the engine may still list an endpoint on the
  // network ("has active endpoints"); it usually clears within seconds, so try a few times.
  let left = networks.map((n) => n.Id);
  for (let attempt = 0; left.length && attempt < 5; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 2000));
    const failed: string[] = [];
    for (const id of left)
      await d
        .getNetwork(id)
        .remove()
        .catch(() => failed.push(id));
    left = failed;
  }
  const volumes = (await d.listVolumes({ filters: label }).catch(() => ({ Volumes: [] }))).Volumes ?? [];
  for (const v of volumes)
    await d
      .getVolume(v.Name)
      .remove({ force: true })
      .catch(() => undefined);
  return { containers: containers.length, networks: networks.length - left.length, volumes: volumes.length, networksLeft: left.length };
}
