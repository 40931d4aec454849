import "server-only";
import type Dockerode from "dockerode";
import { docker } from "@/lib/docker/client";
import { isNotFound, isStatus, toServiceError } from "@/lib/docker/errors";
import { engineKind } from "@/lib/docker/engine-config";
import { LABEL, belongsTo, tenantFilter } from "@/lib/docker/labels";
import { PolicyAssertionError } from "@/lib/docker/policy-assertion-error";
import { imagePresence } from "@/lib/docker/images";
import { cachedNodePosture, tenantNodes } from "@/lib/docker/nodes";
import { taskEngine, volumeNodeOf, within } from "@/lib/docker/swarm-tasks";
import * as swarm from "@/lib/docker/swarm-workloads";
import { ServiceError } from "@/lib/errors";
import {
  assertCreateOptions,
  buildCreateOptions,
  buildServiceSpec,
  verifyInspect,
  type DockerCreateOptions,
  type DockerServiceSpec,
  type ExpectedScope,
  type LaunchRequest,
  type SwarmScope,
  type TenantContext,
  type Violation,
} from "@/lib/policy";

/**
 * Tenant workloads in Berth's terms (launch, inspect, start, stop, redeploy, remove). On the single engine
 * (BERTH_ENGINE=docker, the default) a workload is one container; on Swarm it is a service
 * with one task (lib/docker/swarm-workloads.ts). Every verb dispatches here, so nothing
 * above lib/docker knows which engine runs; the engine id callers keep (Container.dockerId)
 * is the container's id on one engine and the service's id on Swarm.
 */

export { PolicyAssertionError };

const onSwarm = (): boolean => engineKind() === "swarm";

/**
 * A container's `docker inspect` document, for the verifier and the reconciler. On Swarm:
 * the task's container (or a document made from the task) with the service id as Id, and
 * `berthSwarm` saying where it came from.
 */
export type WorkloadInspect = Dockerode.ContainerInspectInfo & { berthSwarm?: swarm.SwarmDetails };

/** What the policy built for one launch, in the form the running engine takes. */
export type WorkloadOptions = { kind: "container"; options: DockerCreateOptions } | { kind: "service"; spec: DockerServiceSpec; swarm: SwarmScope };

/**
 * The policy's construction for the running engine, from one TenantContext: create options
 * on one engine, the service-spec form on Swarm (placed on the node of the volumes it mounts).
 */
export async function buildWorkloadOptions(
  req: LaunchRequest,
  ctx: TenantContext,
): Promise<{ ok: true; options: WorkloadOptions } | { ok: false; violations: Violation[] }> {
  if (!onSwarm()) {
    const built = buildCreateOptions(req, ctx);
    return built.ok ? { ok: true, options: { kind: "container", options: built.options } } : built;
  }
  const sources = req.volumes.map((v) => ctx.volumes[v.volume]).filter((v): v is string => v !== undefined);
  const nodes = new Set<string>();
  for (const source of sources) {
    const node = await volumeNodeOf(source).catch(() => undefined);
    if (node) nodes.add(node);
  }
  if (nodes.size > 1) {
    return {
      ok: false,
      violations: [
        { control: "H2", path: "volumes", message: "these volumes live on different Swarm nodes; one container can only mount volumes of one node" },
      ],
    };
  }
  const volumeNodeId = [...nodes][0];
  const built = buildServiceSpec(req, ctx, { volumeNodeId });
  return built.ok ? { ok: true, options: { kind: "service", spec: built.spec, swarm: { volumeNodeId } } } : built;
}

/**
 * Lists every control a live workload violates (enforcement point 3), on either engine.
 * `strict: false` (the reconciler): on Swarm, a node that does not answer the probe in time
 * is asked again later instead of counting as a violation.
 */
export async function verifyWorkload(info: WorkloadInspect, scope: ExpectedScope, options: { strict?: boolean } = {}): Promise<Violation[]> {
  if (info.berthSwarm) return swarm.verifyService({ ...info, berthSwarm: info.berthSwarm }, scope, options);
  return verifyInspect(info, scope);
}

/**
 * Whether the workload's process runs with no-new-privileges, for the container page. On one
 * engine the container asks for it itself (HostConfig.SecurityOpt, U4). On Swarm the node's
 * daemon supplies it and neither the service spec nor the task container's inspect shows it
 * (S3): the running task's own `NoNewPrivs` (the verifier's probe), else the posture of the
 * node the task is on, which only passes with the daemon default (never a false "off").
 */
export async function workloadNoNewPrivileges(info: WorkloadInspect): Promise<boolean> {
  if (!info.berthSwarm) return (info.HostConfig.SecurityOpt ?? ([] as string[])).some((o: string) => o.startsWith("no-new-privileges"));
  const { container, task, nodeId } = info.berthSwarm;
  const engine = taskEngine(task);
  const user = /^(\d+):(\d+)$/.exec(container?.Config.User ?? "");
  if (container?.State.Running && engine && user) {
    const probe = await within(swarm.probeNoNewPrivs(engine, container.Id, { uid: Number(user[1]), gid: Number(user[2]) }), PAGE_PROBE_MS, null);
    if (probe?.noNewPrivs !== undefined) return probe.noNewPrivs === 1;
  }
  const posture = nodeId ? await cachedNodePosture(nodeId).catch(() => null) : null;
  return posture?.noNewPrivileges ?? false;
}

// A page waits this long at most for a node's answer before showing its posture instead.
const PAGE_PROBE_MS = 3_000;

/** Where a workload's container is now, for logs, stats and exec: its engine and id. */
export async function locateWorkload(
  tenantId: string,
  dockerId: string,
): Promise<{ engine: Dockerode; containerId: string; info: WorkloadInspect } | null> {
  if (onSwarm()) return swarm.locateService(tenantId, dockerId);
  const info = await inspectWorkload(tenantId, dockerId);
  return info ? { engine: docker(), containerId: info.Id, info } : null;
}

export interface WorkloadState {
  dockerId: string;
  berthId: string;
  /** Docker's state: created, running, paused, restarting, removing, exited, dead. */
  state: string;
  exitCode?: number;
  oomKilled?: boolean;
  health?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Swarm: host name of the node the task runs on. */
  node?: string;
}

/**
 * On Swarm a launch is refused while its image is missing on a node that could run it (every
 * node that can run tenant tasks, or the node of the volumes it mounts). Swarm's scheduler
 * does not look at images: a task placed on such a node pulls there, fails, and the launch
 * fails after the fact. Refusing up front keeps one rule for where tenant tasks may run (the
 * posture's eligibility label); a label per image on every node would be a second one, kept in
 * step with every node's images. The catalog page names the nodes, and its "Pull again"
 * pulls the image onto them.
 */
async function requireImageOnNodes(ref: string, volumeNodeId: string | undefined): Promise<void> {
  const nodes = await tenantNodes();
  const candidates = volumeNodeId ? nodes.filter((n) => n.id === volumeNodeId) : nodes;
  if (candidates.length === 0) return; // no node can take it: launchService says so in its words
  const missing = (await imagePresence([ref], candidates)).get(ref)?.missingOn.map((n) => n.hostname) ?? [];
  if (missing.length > 0) {
    throw new ServiceError(
      "conflict",
      `The image ${ref} is missing on ${missing.length === 1 ? "node" : "nodes"} ${missing.join(", ")}, where this container could be placed. An administrator can pull it there again from the image catalog.`,
    );
  }
}

/**
 * Creates and starts a hardened container. The assertion re-reads the exact body that is
 * sent; if start fails the half-made container is removed, so a failed launch leaves nothing.
 */
export async function launchWorkload(workload: WorkloadOptions, scope: ExpectedScope): Promise<{ dockerId: string }> {
  if (workload.kind === "service") {
    await requireImageOnNodes(workload.spec.TaskTemplate.ContainerSpec.Image, workload.swarm.volumeNodeId);
    return swarm.launchService(workload.spec, scope, workload.swarm);
  }
  if (onSwarm()) throw new ServiceError("internal", "A container body cannot be launched on Swarm.");
  const options = workload.options;
  const violations = assertCreateOptions(options, scope);
  if (violations.length) throw new PolicyAssertionError(violations);
  let container: Dockerode.Container;
  try {
    container = await docker().createContainer(options as Dockerode.ContainerCreateOptions);
  } catch (error) {
    throw toServiceError(error, "Creating the container");
  }
  try {
    await container.start();
    return { dockerId: container.id };
  } catch (error) {
    await container.remove({ force: true, v: true }).catch(() => undefined);
    throw toServiceError(error, "Starting the container");
  }
}

/** A managed container of this tenant, or null: another tenant's or an unmanaged id is invisible. */
export async function inspectWorkload(tenantId: string, dockerId: string): Promise<WorkloadInspect | null> {
  if (onSwarm()) return swarm.inspectService(tenantId, dockerId);
  try {
    const info = await docker().getContainer(dockerId).inspect();
    return belongsTo(info.Config.Labels, tenantId) ? info : null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw toServiceError(error, "Reading the container");
  }
}

function stateOf(info: WorkloadInspect): WorkloadState {
  return {
    dockerId: info.Id,
    berthId: info.Config.Labels?.[LABEL.id] ?? "",
    state: info.State.Status,
    exitCode: info.State.ExitCode,
    oomKilled: info.State.OOMKilled,
    health: info.State.Health?.Status,
    startedAt: info.State.StartedAt,
    finishedAt: info.State.FinishedAt,
    ...(info.berthSwarm?.node ? { node: info.berthSwarm.node } : {}),
  };
}

export async function workloadState(tenantId: string, dockerId: string): Promise<WorkloadState | null> {
  const info = await inspectWorkload(tenantId, dockerId);
  return info ? stateOf(info) : null;
}

/**
 * Every managed container of a tenant in one daemon call (label filter). Exit codes come
 * from the status text; OOM kills need an inspect, done only for stopped containers.
 */
export async function listWorkloads(tenantId: string): Promise<Map<string, WorkloadState>> {
  if (onSwarm()) {
    const states = new Map<string, WorkloadState>();
    for (const info of await swarm.listServiceInspects(tenantId)) {
      const state = stateOf(info);
      if (state.berthId) states.set(state.berthId, state);
    }
    return states;
  }
  let list: Dockerode.ContainerInfo[];
  try {
    list = await docker().listContainers({ all: true, filters: tenantFilter(tenantId) });
  } catch (error) {
    throw toServiceError(error, "Listing containers");
  }
  const states = new Map<string, WorkloadState>();
  await Promise.all(
    list.map(async (c) => {
      const berthId = c.Labels?.[LABEL.id];
      if (!berthId || !belongsTo(c.Labels, tenantId)) return;
      if (c.State === "exited" || c.State === "dead") {
        const info = await inspectWorkload(tenantId, c.Id).catch(() => null);
        if (info) {
          states.set(berthId, stateOf(info));
          return;
        }
      }
      const health = /\((healthy|unhealthy|health: starting)\)/.exec(c.Status)?.[1]?.replace("health: ", "");
      states.set(berthId, { dockerId: c.Id, berthId, state: c.State, health });
    }),
  );
  return states;
}

async function scoped(tenantId: string, dockerId: string): Promise<Dockerode.Container> {
  const info = await inspectWorkload(tenantId, dockerId);
  if (!info) throw new ServiceError("not_found", "Container was not found.");
  return docker().getContainer(info.Id);
}

/**
 * Starts a stopped workload. `scope` is what Berth records for it (expectedScopeFor, as the
 * reconciler verifies with): on Swarm the live service spec is asserted against it before the
 * service is scaled up, since a spec can be changed while it is scaled to 0 (S3). One engine
 * starts the container as created: what `docker update` can change while it is stopped the
 * reconciler catches on the start event and quarantines.
 */
export async function startWorkload(tenantId: string, dockerId: string, scope: ExpectedScope): Promise<void> {
  if (onSwarm()) return swarm.startService(tenantId, dockerId, scope);
  await startContainer(tenantId, dockerId);
}

async function startContainer(tenantId: string, dockerId: string): Promise<void> {
  const container = await scoped(tenantId, dockerId);
  await container.start().catch((error: unknown) => {
    if (isStatus(error, 304)) return; // already running
    throw toServiceError(error, "Starting the container");
  });
}

export async function stopWorkload(tenantId: string, dockerId: string, timeoutSeconds = 10): Promise<void> {
  if (onSwarm()) return swarm.stopService(tenantId, dockerId);
  const container = await scoped(tenantId, dockerId);
  await container.stop({ t: timeoutSeconds }).catch((error: unknown) => {
    if (isStatus(error, 304)) return; // already stopped
    throw toServiceError(error, "Stopping the container");
  });
}

/** Restarts a workload; `scope` as for startWorkload (a restart makes a new task on Swarm). */
export async function restartWorkload(tenantId: string, dockerId: string, scope: ExpectedScope, timeoutSeconds = 10): Promise<void> {
  if (onSwarm()) return swarm.restartService(tenantId, dockerId, scope);
  const container = await scoped(tenantId, dockerId);
  await container.restart({ t: timeoutSeconds }).catch((error: unknown) => {
    throw toServiceError(error, "Restarting the container");
  });
}

/** A redeployed workload: runs and passed the verification; the caller commits and finishes, or rolls back. */
export interface Redeploy {
  /** The engine id the row names from now on: a new container's, the same service's on Swarm. */
  dockerId: string;
  /** After the commit: what was replaced goes (the old container; nothing on Swarm). Never removes `dockerId`. */
  finish(): Promise<void>;
  /** Instead of the commit: the old workload back as it was (name or spec, running if it ran). */
  rollBack(): Promise<void>;
}

/**
 * Edit and redeploy (lib/services/update-container.ts): replaces the workload the row names
 * with one built from `workload`, asserted and verified as a launch's against `scope`. One
 * engine recreates the container (the old one is renamed aside and stopped, the new one takes
 * its name; finish removes the old one); Swarm updates the service in place
 * (swarm.redeployService). If this throws, the engine is as it was: nothing half-made.
 * Whatever an interrupted edit left under `berthId` besides the row's own goes first.
 * `names`: the container's own engine name and the one it waits under while replaced (one
 * engine only), both built by Berth (containerDockerName), never by a tenant.
 */
export async function redeployWorkload(
  tenantId: string,
  berthId: string,
  old: WorkloadInspect,
  workload: WorkloadOptions,
  scope: ExpectedScope,
  names: { own: string; aside: string },
): Promise<Redeploy> {
  if (old.berthSwarm) {
    if (workload.kind !== "service") throw new ServiceError("internal", "A container body cannot be launched on Swarm.");
    return swarm.redeployService(tenantId, berthId, { ...old, berthSwarm: old.berthSwarm }, workload.spec, scope, workload.swarm);
  }
  const oldId = old.Id;
  let renamed = false;
  let stopped = false;
  const putBack = async (newId?: string) => {
    if (newId) await removeWorkload(tenantId, newId).catch(() => undefined);
    if (renamed) await renameContainer(tenantId, oldId, names.own).catch(() => undefined);
    if (stopped) await startContainer(tenantId, oldId).catch(() => undefined);
  };
  try {
    // The new container takes the name (the edge dials containers by it); on failure the old one gets it back.
    await renameContainer(tenantId, oldId, names.aside);
    renamed = true;
    await removeWorkloadsOf(tenantId, berthId, { except: oldId });
    // Stopped first: its host ports and memory are free for the new one.
    if (old.State.Running) {
      await stopWorkload(tenantId, oldId);
      stopped = true;
    }
    const { dockerId } = await launchWorkload(workload, scope);
    return {
      dockerId,
      finish: () => (dockerId === oldId ? Promise.resolve() : removeWorkload(tenantId, oldId)),
      rollBack: () => putBack(dockerId),
    };
  } catch (error) {
    await putBack();
    throw error;
  }
}

async function renameContainer(tenantId: string, dockerId: string, name: string): Promise<void> {
  const container = await scoped(tenantId, dockerId);
  await container.rename({ name }).catch((error: unknown) => {
    throw toServiceError(error, "Renaming the container");
  });
}

/** Removes the container and its anonymous volumes (`v`: named volumes are never touched). A container already gone is fine. */
export async function removeWorkload(tenantId: string, dockerId: string): Promise<void> {
  if (onSwarm()) return swarm.removeService(tenantId, dockerId);
  const info = await inspectWorkload(tenantId, dockerId);
  if (!info) return;
  await docker()
    .getContainer(info.Id)
    .remove({ force: true, v: true })
    .catch((error: unknown) => {
      if (isNotFound(error)) return;
      throw toServiceError(error, "Removing the container");
    });
}

/**
 * Removes containers labelled with this Berth id, started or not: what a launch that
 * crashed between create and the database update left behind.
 */
export async function removeWorkloadsOf(tenantId: string, berthId: string, options: { except?: string } = {}): Promise<number> {
  if (onSwarm()) return swarm.removeServicesOf(tenantId, berthId, options);
  let list: Dockerode.ContainerInfo[];
  try {
    list = await docker().listContainers({ all: true, filters: { label: [...tenantFilter(tenantId).label, `${LABEL.id}=${berthId}`] } });
  } catch (error) {
    throw toServiceError(error, "Listing containers");
  }
  // `except`: the container the row names, kept when an edit clears what an interrupted edit left.
  const strays = list.filter((c) => c.Id !== options.except);
  for (const c of strays) await removeWorkload(tenantId, c.Id);
  return strays.length;
}

/** Every Berth-managed tenant container on the engine, with its labels (for full re-reads). */
export async function listAllWorkloads(): Promise<{ dockerId: string; berthId?: string; tenantId?: string }[]> {
  if (onSwarm()) return swarm.listAllServices();
  try {
    const list = await docker().listContainers({ all: true, filters: { label: [`${LABEL.managed}=true`] } });
    return list.map((c) => ({ dockerId: c.Id, berthId: c.Labels?.[LABEL.id], tenantId: c.Labels?.[LABEL.tenant] }));
  } catch (error) {
    throw toServiceError(error, "Listing containers");
  }
}

/** Stops a container now (no grace period): used to quarantine one that drifted. */
export async function haltWorkload(tenantId: string, dockerId: string): Promise<void> {
  if (onSwarm()) return swarm.haltService(tenantId, dockerId);
  const info = await inspectWorkload(tenantId, dockerId);
  if (!info || !info.State.Running) return;
  await docker()
    .getContainer(info.Id)
    .stop({ t: 0 })
    .catch((error: unknown) => {
      if (isStatus(error, 304) || isNotFound(error)) return;
      throw toServiceError(error, "Stopping the container");
    });
}
