import "server-only";
import { randomBytes } from "node:crypto";
import { requestSummary } from "@/lib/activity/request-summary";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { inspectWorkload, redeployWorkload, type Redeploy, type WorkloadInspect } from "@/lib/docker/workloads";
import { ServiceError } from "@/lib/errors";
import { Prisma, type Container, type IngressRoute, type PortAllocation } from "@/lib/generated/prisma/client";
import { kickEdge } from "@/lib/ingress/edge-sync";
import { ingressSettings } from "@/lib/ingress/settings";
import { containerDockerName } from "@/lib/policy/build-create-options";
import type { HostPortAllocation } from "@/lib/policy";
import { reserveQuota } from "@/lib/quota/reserve";
import { holdsResources } from "@/lib/quota/usage";
import { takeEditLease } from "@/lib/reconciler/edit-lease";
import { engineTime } from "@/lib/reconciler/refresh-container";
import { command, type Command } from "@/lib/services/command";
import { toContainerDto } from "@/lib/services/container-dto";
import { actionableContainer } from "@/lib/services/containers";
import { stringsOf } from "@/lib/services/json-columns";
import { launchOptionsFor, prepareLaunch, readyForEngine, type LaunchReservation, type PreparedLaunch } from "@/lib/services/launch-container";
import { allocatePorts } from "@/lib/services/port-allocation";
import { allocateRoutes, recordRouteChanges } from "@/lib/services/route-allocation";
import type { ContainerDto } from "@/lib/schemas/container";

/*
 * Edit and redeploy: the workload behind the same row is replaced. The row's id (Berth's
 * `berth.id` label), its name, its mounts and its HTTPS routes stay. The request goes through
 * the launch's own steps (prepareLaunch: suspension, per-container maxima, catalog, policy
 * input; launchOptionsFor: the policy's construction; readyForEngine: network and the
 * assertion's scope; the gateway's redeploy: assertion, create/update, start, verification),
 * so an edit can do nothing a launch could not. How the engine replaces it is the gateway's
 * (redeployWorkload): one engine recreates the container (a new engine id), Swarm updates the
 * service in place (the same id).
 *
 * All or nothing. The order is chosen so that every step before the new workload runs can
 * be undone:
 *   1. reserve (one transaction under the tenant's reservation lock): the quota check for the
 *      difference only, the row marked `restarting` (so the reconciler reads the old
 *      container's stop as one Berth asked for, and the row keeps holding its quota) and
 *      holding the larger of the old and new limits until the edit ends, host ports and
 *      routes for ports the container did not have yet; an edit lease on the row tells the
 *      reconciler not to judge it meanwhile (on Swarm the live spec is the new one before
 *      the row says so);
 *   2. the policy builds the new create options or service spec (a refusal has touched
 *      nothing on the engine);
 *   3. the gateway's redeploy: one engine renames the old container aside and stops it (its
 *      name goes to the new one, and its host ports and memory are free again), then creates
 *      and starts the new one; Swarm writes the new spec over the service. Either way the new
 *      workload is verified as a launch's, and a failure there puts the old one back itself;
 *   4. the row points at the new workload, ports and routes no longer asked for are
 *      released, the success recorded: one transaction; then what was replaced goes (the old
 *      container; nothing on Swarm, where the row's dockerId stays the service's).
 * If 4's commit fails, the redeploy is rolled back (the new container removed and the old
 * one renamed back and started if it ran; on Swarm the previous spec written back); in every
 * case the reservation is undone: nothing is left over or lost.
 */

/**
 * The current value of each env variable the container was launched with, read from the
 * engine's config (on Swarm the task's container, or the service spec's ContainerSpec.Env
 * when the task has none: lib/docker/swarm-workloads.ts describe).
 */
function envOf(info: WorkloadInspect, keys: string[]): Map<string, string> {
  const wanted = new Set(keys);
  const values = new Map<string, string>();
  for (const entry of info.Config.Env ?? []) {
    const at = entry.indexOf("=");
    const key = at < 0 ? entry : entry.slice(0, at);
    if (wanted.has(key)) values.set(key, at < 0 ? "" : entry.slice(at + 1));
  }
  return values;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

interface CurrentMount {
  volume: string;
  path: string;
  readOnly: boolean;
}

const mountKey = (m: { volume?: unknown; path?: unknown; readOnly?: unknown }) => JSON.stringify([m.volume, m.path, m.readOnly ?? false]);

/**
 * The edit request (a LaunchRequest without `name`) as the launch request it stands for: the
 * container's own name and volumes, and env values kept where the request says `null`.
 *
 * Env values are carried from the engine's config here, on the server, because Berth never
 * stores them: asking people to type every value again loses secrets they no longer have at
 * hand, and sending the values to the browser to pre-fill the form would show a secret a
 * second time. A `null` value keeps the current value; a key left out is removed.
 */
export function editedLaunchRequest(
  input: unknown,
  current: { name: string; env: Map<string, string>; mounts: CurrentMount[] },
): Record<string, unknown> {
  if (!isObject(input)) throw new ServiceError("validation_failed", "The edit request must be a JSON object.");
  const fields: { path: string; message: string }[] = [];
  if ("name" in input)
    fields.push({ path: "name", message: "an edit keeps the container's name; duplicate the container to run it under another name" });
  let env = input.env;
  if (isObject(env)) {
    // Object.fromEntries defines own properties: a "__proto__" key stays a key for the schema to refuse.
    env = Object.fromEntries(
      Object.entries(env).map(([key, value]) => {
        if (value !== null) return [key, value];
        const kept = current.env.get(key);
        if (kept === undefined) fields.push({ path: `env.${key}`, message: "has no current value to keep; give it a value" });
        return [key, kept ?? ""];
      }),
    );
  }
  if ("volumes" in input) {
    const asked = Array.isArray(input.volumes) ? input.volumes.map((v) => (isObject(v) && !("create" in v) ? mountKey(v) : "?")).sort() : ["?"];
    const have = current.mounts.map(mountKey).sort();
    if (JSON.stringify(asked) !== JSON.stringify(have)) {
      fields.push({ path: "volumes", message: "an edit keeps the container's volumes; leave them out, or give them unchanged" });
    }
  }
  if (fields.length) throw new ServiceError("validation_failed", "The edit request is not valid.", fields);
  return {
    ...input,
    name: current.name,
    ...(env === undefined ? {} : { env }),
    volumes: current.mounts.map((m) => ({ volume: m.volume, path: m.path, readOnly: m.readOnly })),
  };
}

/** What an edit's reservation holds, and what undoing it takes. */
interface EditReservation extends LaunchReservation {
  /** Ports and routes made for this edit: released if it fails. */
  freshPorts: HostPortAllocation[];
  freshRoutes: { containerPort: number; hostName: string }[];
  /** Ports and routes of the old container the edit no longer asks for: released when it commits. */
  dropPorts: PortAllocation[];
  dropRoutes: IngressRoute[];
}

type EditedRow = Container & { ports: PortAllocation[]; routes: IngressRoute[] };

/**
 * Step 1 of an edit: the quota counts the difference. While the edit runs, the row holds the
 * larger of the old and new limits, so the old container can be restored whatever happens;
 * a container that held nothing (stopped) needs its new limits in full, as a start would.
 */
async function reserveEdit(row: EditedRow, launch: PreparedLaunch, oldStartedAt: Date | null): Promise<EditReservation> {
  const { req, tenant } = launch;
  const held = holdsResources(row);
  const memoryMb = held ? Math.max(row.memoryMb, req.memoryMb) : req.memoryMb;
  const cpuMillis = held ? Math.max(row.cpuMillis, req.cpuMillis) : req.cpuMillis;
  const cfg = config();
  return db.$transaction(async (tx) => {
    const locked = await reserveQuota(tx, tenant.id, {
      memoryMb: memoryMb - (held ? row.memoryMb : 0),
      cpuMillis: cpuMillis - (held ? row.cpuMillis : 0),
    });
    // Only from the state this edit read: a second edit, a stop or a removal meanwhile wins.
    const { count } = await tx.container.updateMany({
      where: { id: row.id, status: row.status, dockerId: row.dockerId },
      data: { status: "restarting", memoryMb, cpuMillis, stateChangedAt: oldStartedAt ?? row.stateChangedAt },
    });
    if (count === 0) throw new ServiceError("conflict", "This container changed while it was being edited; reload the page and try again.");

    // Published ports the container already has keep their host port; new ones get one.
    const published = req.ports.filter((p) => p.expose === "port");
    const kept: HostPortAllocation[] = [];
    const keptKeys = new Set<string>();
    const toAllocate: typeof published = [];
    for (const p of published) {
      const hit = row.ports.find((o) => o.containerPort === p.container && o.protocol === p.protocol && o.hostIp === cfg.publishAddress);
      if (hit) {
        kept.push({ container: p.container, protocol: p.protocol, hostPort: hit.hostPort });
        keptKeys.add(`${hit.hostIp}/${hit.hostPort}/${hit.protocol}`);
      } else toAllocate.push(p);
    }
    const freshPorts = await allocatePorts(tx, row.id, toAllocate, cfg.publishAddress, cfg.portRange);
    const hostPorts = published.map(
      (p) => [...kept, ...freshPorts].find((h) => h.container === p.container && h.protocol === p.protocol) as HostPortAllocation,
    );

    // HTTPS ports keep their host names; new ones get names of their own.
    const https = new Set(req.ports.filter((p) => p.expose === "https").map((p) => p.container));
    const keptRoutes = row.routes.filter((r) => https.has(r.containerPort));
    const newHttps = req.ports.filter((p) => p.expose === "https" && !row.routes.some((r) => r.containerPort === p.container));
    const freshRoutes = await allocateRoutes(tx, row.id, { name: row.name, tenantSlug: locked.slug }, newHttps, ingressSettings().appsDomain, {
      qualifyAll: keptRoutes.length > 0,
    });
    return {
      containerId: row.id,
      tenant: locked,
      hostPorts,
      newVolumes: [],
      freshPorts,
      freshRoutes,
      dropPorts: row.ports.filter((p) => !keptKeys.has(`${p.hostIp}/${p.hostPort}/${p.protocol}`)),
      dropRoutes: row.routes.filter((r) => !https.has(r.containerPort)),
    };
  });
}

/** Gives back what reserveEdit took: the row as it was, the ports and routes made for the edit. */
async function undoReservation(row: EditedRow, reserved: EditReservation): Promise<void> {
  const cfg = config();
  await db.$transaction(async (tx) => {
    if (reserved.freshPorts.length) {
      await tx.portAllocation.deleteMany({
        where: { containerId: row.id, hostIp: cfg.publishAddress, hostPort: { in: reserved.freshPorts.map((p) => p.hostPort) } },
      });
    }
    if (reserved.freshRoutes.length) {
      await tx.ingressRoute.deleteMany({ where: { containerId: row.id, hostName: { in: reserved.freshRoutes.map((r) => r.hostName) } } });
    }
    await tx.container.update({
      where: { id: row.id },
      data: { status: row.status, memoryMb: row.memoryMb, cpuMillis: row.cpuMillis, stateChangedAt: row.stateChangedAt },
    });
  });
}

/** A name for the old container while the new one takes its own: Berth's prefix, unlikely to be any app's name. */
function asideName(tenantSlug: string, name: string): string {
  return containerDockerName(tenantSlug, `${name.slice(0, 30)}-r${randomBytes(4).toString("hex")}`);
}

/** Steps 2-4: the engine swap and the commit, or everything put back. */
async function replaceWorkload(cmd: Command, row: EditedRow, old: WorkloadInspect, launch: PreparedLaunch, reserved: EditReservation) {
  const { req, image, tenant } = launch;
  const oldId = old.Id;
  let redeploy: Redeploy | undefined;
  let updated: EditedRow;
  try {
    const options = await launchOptionsFor(launch, reserved);
    const scope = await readyForEngine(reserved, image, { mayRecreateNetwork: false });
    redeploy = await redeployWorkload(tenant.id, row.id, old, options, scope, {
      own: containerDockerName(tenant.slug, row.name),
      aside: asideName(tenant.slug, row.name),
    });
    const dockerId = redeploy.dockerId;
    updated = await cmd.commit(
      async (tx) => {
        for (const p of reserved.dropPorts) {
          await tx.portAllocation.delete({ where: { hostIp_hostPort_protocol: { hostIp: p.hostIp, hostPort: p.hostPort, protocol: p.protocol } } });
        }
        if (reserved.dropRoutes.length) {
          await tx.ingressRoute.deleteMany({ where: { containerId: row.id, hostName: { in: reserved.dropRoutes.map((r) => r.hostName) } } });
        }
        const next = await tx.container.update({
          where: { id: row.id },
          data: {
            dockerId,
            status: "running",
            imageId: image.id,
            imageRef: image.ref,
            memoryMb: req.memoryMb,
            cpuMillis: req.cpuMillis,
            command: req.command ?? Prisma.DbNull,
            envKeys: req.env ? Object.keys(req.env) : Prisma.DbNull,
            readOnlyRootfs: req.readOnlyRootfs,
            restart: req.restart,
            exitCode: null,
            oomKilled: false,
            health: null,
            stateChangedAt: null,
          },
          include: { ports: true, routes: true },
        });
        await recordRouteChanges(cmd.actor, "ingress.route.remove", { ...next, routes: reserved.dropRoutes }, tx);
        await recordRouteChanges(cmd.actor, "ingress.route.add", { ...next, routes: reserved.freshRoutes }, tx);
        return next;
      },
      (next) => ({
        details: {
          containerId: next.id,
          dockerId,
          replaced: oldId,
          image: image.ref,
          previous: {
            image: row.imageRef,
            memoryMb: row.memoryMb,
            cpuMillis: row.cpuMillis,
            command: stringsOf(row.command),
            envKeys: stringsOf(row.envKeys),
          },
          request: req,
        },
      }),
    );
  } catch (error) {
    // Put the engine back first, then the rows: the reconciler then reads the old container
    // running under its own name before the row stops saying `restarting`. A redeploy that
    // threw has put the engine back itself.
    if (redeploy) await redeploy.rollBack().catch((undoError: unknown) => console.error("[edit] could not roll a redeploy back:", undoError));
    await undoReservation(row, reserved).catch((undoError: unknown) => console.error("[edit] could not undo a reservation:", undoError));
    throw error;
  }
  // Committed: what was replaced goes (never the workload the row now names: on Swarm that is
  // the same service, and finish removes nothing). If the engine refuses now, the edit still
  // stands; the leftover (stopped, under its aside name) is recorded so it can be removed by hand.
  await redeploy
    .finish()
    .catch((error: unknown) =>
      cmd.note(
        "failed",
        `the replaced container ${oldId.slice(0, 12)} could not be removed: ${error instanceof Error ? error.message : "unknown error"}`,
      ),
    );
  if (reserved.freshRoutes.length || reserved.dropRoutes.length) kickEdge();
  return updated;
}

/**
 * Edits and redeploys a container (PUT /api/v1/containers/{id}): a LaunchRequest without
 * `name`, where an env value of `null` keeps the current value. Keeps the name, volumes and
 * HTTPS host names; the new container runs whether or not the old one did.
 */
export const updateContainer = command(
  "container.update",
  async (cmd, containerId: string, input: unknown): Promise<ContainerDto> => {
    const row = await actionableContainer(cmd, containerId);
    if (!row.dockerId || row.status === "creating")
      throw new ServiceError("conflict", "This container is still being created; edit it once it runs.");
    if (row.status === "quarantined") throw new ServiceError("conflict", "This container is quarantined; an administrator must review it first.");
    // Berth's own restart or another edit in flight (which marks the row `restarting` until it
    // commits): one change at a time. The reservation re-checks the state it read.
    if (row.status === "restarting") throw new ServiceError("conflict", "This container is restarting or being redeployed; try again in a moment.");
    if (row.status === "missing") throw new ServiceError("conflict", "This container is gone from the engine; remove it and launch a new one.");
    const tenant = await cmd.actingTenant(row.tenantId);
    const old = await inspectWorkload(row.tenantId, row.dockerId);
    if (!old) throw new ServiceError("conflict", "This container is gone from the engine; remove it and launch a new one.");
    const mounts = await db.containerMount.findMany({
      where: { containerId: row.id, container: { tenantId: row.tenantId } },
      include: { volume: { select: { name: true } } },
    });
    const request = editedLaunchRequest(input, {
      name: row.name,
      env: envOf(old, stringsOf(row.envKeys) ?? []),
      mounts: mounts.map((m) => ({ volume: m.volume.name, path: m.path, readOnly: m.readOnly })),
    });
    const launch = await prepareLaunch(cmd.actor, tenant, request);
    // Held until the edit has committed or put everything back: the reconciler leaves the row alone meanwhile.
    const lease = await takeEditLease(row.id);
    if (!lease) throw new ServiceError("conflict", "This container is restarting or being redeployed; try again in a moment.");
    let updated: EditedRow;
    try {
      const reserved = await reserveEdit(row, launch, engineTime(old.State.StartedAt));
      updated = await replaceWorkload(cmd, row, old, launch, reserved);
    } finally {
      await lease.release().catch((error: unknown) => console.error("[edit] could not release an edit lease:", error));
    }
    return toContainerDto(updated, { dockerId: updated.dockerId ?? "", berthId: updated.id, state: "running" });
  },
  ([containerId, input]) => ({ details: { containerId, request: requestSummary(input) } }),
);
