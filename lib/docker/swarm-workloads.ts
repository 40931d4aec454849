import "server-only";
import { PassThrough } from "node:stream";
import type Dockerode from "dockerode";
import { managerDocker } from "@/lib/docker/client";
import { isNotFound, toServiceError } from "@/lib/docker/errors";
import { LABEL, belongsTo, tenantFilter } from "@/lib/docker/labels";
import { PolicyAssertionError } from "@/lib/docker/policy-assertion-error";
import {
  NODE_CALL_MS,
  currentTask,
  findVolumeNode,
  listSwarmNodes,
  taskContainer,
  taskEngine,
  tasksOf,
  within,
  type SwarmTask,
} from "@/lib/docker/swarm-tasks";
import { ServiceError } from "@/lib/errors";
import {
  assertExecOptions,
  assertServiceSpec,
  buildExecOptions,
  parseNoNewPrivs,
  redeploySpec,
  serviceSpecEnv,
  verifyTaskContainer,
  withForceAfter,
  type DockerServiceSpec,
  type ExpectedScope,
  type NoNewPrivsProbe,
  type SwarmScope,
  type Violation,
} from "@/lib/policy";

/**
 * The Swarm implementation of the workload verbs (lib/docker/workloads.ts dispatches here
 * when BERTH_ENGINE=swarm). A Berth container is a service with one replica; its engine id
 * (the row's dockerId) is the service id. State, exit code and OOM come from the service's
 * current task and, when its node's engine can show it, the task's container.
 */

export interface SwarmDetails {
  /** `docker service inspect` of the service. */
  service: { ID: string; Version?: { Index?: number }; Spec: Record<string, unknown> & { Labels?: Record<string, string> } };
  task?: SwarmTask;
  nodeId?: string;
  /** The node's host name, as the container page and GET /nodes show it. */
  node?: string;
  container: Dockerode.ContainerInspectInfo | null;
}

/** A container inspect with the service id as Id and where it came from (read by verifyService). */
export type SwarmInspect = Dockerode.ContainerInspectInfo & { berthSwarm: SwarmDetails };

const LAUNCH_TIMEOUT_MS = 60_000;
const POLL_MS = 200;
const PENDING = new Set(["new", "pending", "assigned", "accepted", "preparing", "ready", "starting"]);
/** How long a started service may have no task Swarm wants running before it is nudged. */
const NUDGE_AFTER_MS = 5_000;
const ENDED = new Set(["complete", "failed", "shutdown", "rejected", "orphaned", "remove"]);

type ServiceInfo = SwarmDetails["service"];

async function readService(serviceId: string): Promise<ServiceInfo | null> {
  try {
    return (await managerDocker().getService(serviceId).inspect()) as ServiceInfo;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw toServiceError(error, "Reading the service");
  }
}

function replicasOf(service: ServiceInfo): number {
  const mode = service.Spec.Mode as { Replicated?: { Replicas?: number } } | undefined;
  return mode?.Replicated?.Replicas ?? 0;
}

/**
 * The state a person sees, from the task when its container cannot be read: a task Swarm
 * is still placing (or re-placing after its node went down) is "restarting", one whose node
 * is down is "dead", one that ended is "exited" with its exit code.
 */
function taskState(service: ServiceInfo, task: SwarmTask | undefined, nodeDown: boolean): Dockerode.ContainerInspectInfo["State"] {
  const at = task?.Status.Timestamp ?? "0001-01-01T00:00:00Z";
  const exitCode = task?.Status.ContainerStatus?.ExitCode ?? (task?.Status.State === "complete" ? 0 : task ? 1 : 0);
  let status = "created";
  if (!task) status = replicasOf(service) > 0 ? "restarting" : "exited";
  // Its node is down: the manager's "running" is stale. Dead until Swarm places it again
  // (a restarting mark would read as a restart Berth asked for).
  else if (task.Status.State === "running") status = nodeDown ? "dead" : "running";
  else if (PENDING.has(task.Status.State)) status = "restarting";
  else if (ENDED.has(task.Status.State)) status = task.DesiredState === "running" ? "restarting" : "exited";
  const running = status === "running";
  return {
    Status: status,
    Running: running,
    Paused: false,
    Restarting: status === "restarting",
    OOMKilled: false,
    Dead: false,
    Pid: 0,
    ExitCode: running ? 0 : exitCode,
    Error: task?.Status.Err ?? "",
    StartedAt: running ? at : "0001-01-01T00:00:00Z",
    FinishedAt: running ? "0001-01-01T00:00:00Z" : at,
  };
}

/**
 * The Berth-facing inspect of a service: the task's real container (from its node) when
 * it can be read, with the service id as Id; otherwise a container document made from the
 * task, holding only what a container of the service is known to be.
 */
async function describe(service: ServiceInfo): Promise<SwarmInspect> {
  const tasks = await tasksOf(service.ID).catch(() => [] as SwarmTask[]);
  const task = currentTask(tasks);
  const nodes = await listSwarmNodes().catch(() => []);
  const node = nodes.find((n) => n.id === task?.NodeID);
  // The node's own engine is asked first: the manager marks a node ready again only some
  // seconds after its daemon is back, and its containers are real before that.
  const container = await taskContainer(task);
  const nodeDown = container === null && node !== undefined && node.state !== "ready";
  // Swarm restarts a failed task as a new task; each failed one is a restart.
  const restarts = tasks.filter((t) => t !== task && t.Status.State === "failed").length;
  const details: SwarmDetails = { service, task, nodeId: task?.NodeID, node: node?.hostname, container };
  const containerBelongsToTask = container !== null && task?.Status.ContainerStatus?.ContainerID === container.Id;
  // A replacement task Swarm is still placing wins over the container of the one before it.
  const useContainer = containerBelongsToTask && !(task && PENDING.has(task.Status.State));
  if (container && useContainer) {
    return { ...container, Id: service.ID, RestartCount: restarts, berthSwarm: details };
  }
  const labels = (service.Spec.Labels ?? {}) as Record<string, string>;
  // The env the service's tasks get, from its spec: an edit of a stopped container keeps the
  // values it was launched with (lib/services/update-container.ts reads Config.Env).
  const synthetic = {
    Id: service.ID,
    Name: `/${String(service.Spec.Name ?? "")}`,
    RestartCount: restarts,
    State: taskState(service, task, nodeDown),
    Config: { Labels: labels, Env: serviceSpecEnv(service.Spec), Tty: false, User: "" },
    HostConfig: {},
  };
  // Only what Berth's callers read of a container document exists here; the verifier
  // looks at berthSwarm, never at these fields.
  return { ...(synthetic as unknown as Dockerode.ContainerInspectInfo), berthSwarm: details };
}

/** A managed service of this tenant, or null: another tenant's or an unmanaged id is invisible. */
export async function inspectService(tenantId: string, serviceId: string): Promise<SwarmInspect | null> {
  const service = await readService(serviceId);
  if (!service || !belongsTo(service.Spec.Labels, tenantId)) return null;
  return describe(service);
}

/** Reads `NoNewPrivs` of the task's PID 1 through an exec as the tenant user (S3). */
/** The probe, or null when the node's engine did not answer in time (never a pass: see verifyService). */
export function probeNoNewPrivs(engine: Dockerode, containerId: string, user: { uid: number; gid: number }): Promise<NoNewPrivsProbe | null> {
  return within<NoNewPrivsProbe | null>(readNoNewPrivs(engine, containerId, user), 15_000, null);
}

async function readNoNewPrivs(engine: Dockerode, containerId: string, user: { uid: number; gid: number }): Promise<NoNewPrivsProbe> {
  const options = { ...buildExecOptions(user, ["cat", "/proc/1/status"], false), AttachStdin: false };
  const violations = assertExecOptions(options, user);
  if (violations.length) throw new PolicyAssertionError(violations);
  try {
    const exec = await engine.getContainer(containerId).exec(options);
    const stream = await exec.start({ hijack: true, stdin: false });
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    engine.modem.demuxStream(stream, out, out);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        stream.destroy();
        resolve();
      }, 10_000);
      stream.on("end", () => {
        clearTimeout(timer);
        resolve();
      });
      stream.on("error", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return { noNewPrivs: parseNoNewPrivs(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { noNewPrivs: undefined };
  }
}

async function swarmScopeOf(spec: Record<string, unknown>, scope: ExpectedScope): Promise<{ scope: ExpectedScope; swarm: SwarmScope }> {
  // The live spec names the overlay by id; the id is read by the tenant network's name.
  const network = await managerDocker()
    .getNetwork(scope.networkName)
    .inspect()
    .catch(() => null);
  const ids = network && belongsTo(network.Labels, scope.tenantId) ? [network.Id] : [];
  const mounts = (
    (spec.TaskTemplate as { ContainerSpec?: { Mounts?: { Type?: string; Source?: string }[] } } | undefined)?.ContainerSpec?.Mounts ?? []
  ).filter((m) => m.Type === "volume" && typeof m.Source === "string" && scope.ownedVolumeNames.includes(m.Source));
  if (!mounts[0]?.Source) return { scope: { ...scope, networkIds: ids }, swarm: {} };
  const found = await findVolumeNode(mounts[0].Source);
  // A volume on a node whose engine is down cannot be seen: a pin to that very node is
  // consistent with it (the reconciler must not quarantine for want of an answer).
  const constraints = (spec.TaskTemplate as { Placement?: { Constraints?: unknown[] } } | undefined)?.Placement?.Constraints ?? [];
  const pinnedTo = constraints.map((c) => (typeof c === "string" ? /^node\.id==(.+)$/.exec(c)?.[1] : undefined)).find((id) => id !== undefined);
  const volumeNodeId = found.nodeId ?? (pinnedTo !== undefined && found.unreachable.includes(pinnedTo) ? pinnedTo : undefined);
  return { scope: { ...scope, networkIds: ids }, swarm: { volumeNodeId } };
}

/**
 * Enforcement point 3 on Swarm (S3): the service spec on the manager, and the task's
 * container on its node with the NoNewPrivs probe while it runs.
 */
export async function verifyService(info: SwarmInspect, expected: ExpectedScope, options: { strict?: boolean } = {}): Promise<Violation[]> {
  const { service, container, task } = info.berthSwarm;
  const { scope, swarm } = await swarmScopeOf(service.Spec, expected);
  const out = assertServiceSpec(service.Spec, scope, swarm, "inspect");
  const engine = taskEngine(task);
  if (container && engine) {
    const running = container.State.Running;
    const answer = running ? await probeNoNewPrivs(engine, container.Id, { uid: expected.uid, gid: expected.gid }) : null;
    // A container that stopped after it was read (killed while it was being verified, so the
    // probe's exec was refused or cut short) has no process to judge; a container Swarm starts
    // in its place is verified on its own start event (and only eligible nodes take tasks).
    // Without this a kill at the wrong moment reads as a policy violation.
    const stoppedMeanwhile = answer !== null && answer.noNewPrivs === undefined && (await stoppedOn(engine, container.Id));
    // A probe the node did not answer (its daemon restarting) fails a launch (strict), while
    // the reconciler leaves the container as it is and probes again on its next event or pass
    // rather than quarantine it for want of an answer.
    const probe = stoppedMeanwhile ? null : running && answer === null ? (options.strict === false ? null : { noNewPrivs: undefined }) : answer;
    out.push(...verifyTaskContainer(container, scope, probe));
  }
  return out;
}

/** Whether the container is known not to run now (stopped or gone); false when its node cannot say in time. */
function stoppedOn(engine: Dockerode, containerId: string): Promise<boolean> {
  const read = engine
    .getContainer(containerId)
    .inspect()
    .then(
      (info) => !info.State.Running,
      (error: unknown) => isNotFound(error),
    );
  return within(read, NODE_CALL_MS, false);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the service's current task (a new one: not `previous`) runs on a node or has
 * already ended by itself; a task Swarm rejected, or none placed in time, is an error.
 */
async function untilTaskSettles(serviceId: string, previous?: string): Promise<void> {
  const deadline = Date.now() + LAUNCH_TIMEOUT_MS;
  for (;;) {
    const task = currentTask(await tasksOf(serviceId));
    const fresh = task !== undefined && task.ID !== previous;
    const state = fresh ? task.Status.State : "new";
    if (state === "running" || state === "complete" || state === "failed") return;
    if (state === "rejected") throw new ServiceError("internal", `Swarm could not start the container: ${task?.Status.Err ?? "rejected"}.`);
    if (Date.now() > deadline) {
      const why = (fresh && (task.Status.Err || task.Status.Message)) || state;
      throw new ServiceError("conflict", `No eligible Swarm node took the container within ${LAUNCH_TIMEOUT_MS / 1000} s (${why}).`);
    }
    await sleep(POLL_MS);
  }
}

/** The launch's verification (strict): the live spec and the task's container on its node. */
async function verifyLaunched(serviceId: string, scope: ExpectedScope): Promise<void> {
  const info = await inspectService(scope.tenantId, serviceId);
  if (!info) throw new ServiceError("internal", "The service vanished while it was being launched.");
  const found = await verifyService(info, scope);
  if (found.length) throw new PolicyAssertionError(found);
}

/**
 * Creates the service, waits until its task runs on a node (or has already ended by itself),
 * and verifies the spec and the task's container before the launch counts. Anything that
 * fails removes the service, so a failed launch leaves nothing.
 */
export async function launchService(spec: DockerServiceSpec, scope: ExpectedScope, swarm: SwarmScope): Promise<{ dockerId: string }> {
  const violations = assertServiceSpec(spec, scope, swarm);
  if (violations.length) throw new PolicyAssertionError(violations);
  let id: string;
  try {
    id = (await managerDocker().createService(spec as unknown as Dockerode.CreateServiceOptions)).id;
  } catch (error) {
    throw toServiceError(error, "Creating the service");
  }
  try {
    await untilTaskSettles(id);
    await verifyLaunched(id, scope);
    return { dockerId: id };
  } catch (error) {
    await managerDocker()
      .getService(id)
      .remove()
      .catch(() => undefined);
    throw toServiceError(error, "Starting the container");
  }
}

async function scopedService(tenantId: string, serviceId: string): Promise<ServiceInfo> {
  const service = await readService(serviceId);
  if (!service || !belongsTo(service.Spec.Labels, tenantId)) throw new ServiceError("not_found", "Container was not found.");
  return service;
}

/**
 * Writes a spec over the service at the version it was read at (Swarm's optimistic check:
 * a change made since, by anyone, fails the write instead of being overwritten).
 */
async function writeSpec(service: ServiceInfo, spec: object, doing: string): Promise<void> {
  try {
    await managerDocker()
      .getService(service.ID)
      .update({ _query: { version: service.Version?.Index ?? 0 }, _body: spec } as unknown as Dockerode.ServiceSpec);
  } catch (error) {
    throw toServiceError(error, doing);
  }
}

/** Writes the service's own spec back with one change. */
async function updateService(service: ServiceInfo, change: (spec: Record<string, unknown>) => void, doing: string): Promise<void> {
  const spec = JSON.parse(JSON.stringify(service.Spec)) as Record<string, unknown>;
  change(spec);
  await writeSpec(service, spec, doing);
}

/**
 * The independent assertion on the live spec (S3), as the verifier and the reconciler run it,
 * before Berth makes the service run a task again: a spec changed behind Berth's back while
 * the service was scaled to 0 is refused here rather than started and quarantined after.
 */
async function assertLiveSpec(service: ServiceInfo, expected: ExpectedScope): Promise<void> {
  const { scope, swarm } = await swarmScopeOf(service.Spec, expected);
  const found = assertServiceSpec(service.Spec, scope, swarm, "inspect");
  if (found.length) throw new PolicyAssertionError(found);
}

/** A redeploy that ran and passed the verification: committed (finish) or undone (rollBack). */
export interface ServiceRedeploy {
  dockerId: string;
  finish(): Promise<void>;
  rollBack(): Promise<void>;
}

/**
 * Edit and redeploy on Swarm: the service is updated in place (it keeps its id and name, so
 * the row's dockerId stays). The new spec is asserted (create mode, as a launch's) before the
 * engine is touched, written at the version the edit read the old one at, and its new task
 * is waited for and verified exactly as a launch's. On any failure the previous spec is
 * written back (its task runs again if it ran) and the error thrown: nothing half-made.
 * `old` is the edit's own read of the service (the env values it keeps came from it).
 */
export async function redeployService(
  tenantId: string,
  berthId: string,
  old: SwarmInspect,
  spec: DockerServiceSpec,
  scope: ExpectedScope,
  swarm: SwarmScope,
): Promise<ServiceRedeploy> {
  const service = old.berthSwarm.service;
  if (!belongsTo(service.Spec.Labels, tenantId)) throw new ServiceError("not_found", "Container was not found.");
  const redeploy = redeploySpec(spec, service.Spec);
  if (!redeploy.ok) throw new ServiceError("internal", `The edit was not sent: ${redeploy.reason}.`);
  const next = redeploy.spec;
  const violations = assertServiceSpec(next, scope, swarm);
  if (violations.length) throw new PolicyAssertionError(violations);
  // What an interrupted launch left under this Berth id goes first: only the row's service may carry it.
  await removeServicesOf(tenantId, berthId, { except: service.ID });
  const wasRunning = old.State.Running;
  const previousTask = currentTask(await tasksOf(service.ID).catch(() => []));
  await writeSpec(service, next, "Redeploying the container");
  const rollBack = async () => {
    const now = await readService(service.ID);
    if (!now) return;
    // Past the edit's own ForceUpdate: the old spec's task is made again, not taken for unchanged.
    const before = withForceAfter(service.Spec, now.Spec);
    const replaced = currentTask(await tasksOf(service.ID).catch(() => []));
    await writeSpec(now, before, "Putting the container back");
    if (wasRunning) await untilTaskSettles(service.ID, replaced?.ID);
  };
  try {
    await untilTaskSettles(service.ID, previousTask?.ID);
    await verifyLaunched(service.ID, scope);
  } catch (error) {
    await rollBack().catch((undoError: unknown) => console.error("[swarm] could not put a service back after a failed edit:", undoError));
    throw toServiceError(error, "Starting the container");
  }
  // Committed: nothing to remove, the service is the one the row names.
  return { dockerId: service.ID, finish: () => Promise.resolve(), rollBack };
}

const setReplicas = (n: 0 | 1) => (spec: Record<string, unknown>) => {
  spec.Mode = { Replicated: { Replicas: n } };
};

/**
 * Waits until the service's newest task runs (or ended by itself), as `docker start`
 * returns once the container started; `previous` is the task that must be replaced first.
 */
async function untilStarted(serviceId: string, scope: ExpectedScope, previous?: string): Promise<void> {
  const deadline = Date.now() + LAUNCH_TIMEOUT_MS;
  let nudgeAt = Date.now() + NUDGE_AFTER_MS;
  while (Date.now() < deadline) {
    const tasks = await tasksOf(serviceId).catch(() => []);
    const task = currentTask(tasks);
    if (task && task.ID !== previous && task.DesiredState === "running" && (task.Status.State === "running" || ENDED.has(task.Status.State))) return;
    // Seen on Engine 20.10: a service scaled from 0 back to 1 sometimes gets no task at all
    // (its scaled-down task was reaped and the orchestrator made no new one). A forced update
    // makes it reconcile the service again (moby/moby#40190 describes the same remedy).
    if (!tasks.some((t) => t.DesiredState === "running") && Date.now() >= nudgeAt) {
      const service = await readService(serviceId);
      if (service && replicasOf(service) === 1) {
        // The nudge writes the spec as it is now: asserted again, as the start did.
        await assertLiveSpec(service, scope);
        await updateService(service, bumpForce, "Starting the container").catch(() => undefined);
      }
      nudgeAt = Date.now() + NUDGE_AFTER_MS;
    }
    await sleep(POLL_MS);
  }
  throw new ServiceError("conflict", `No eligible Swarm node started the container within ${LAUNCH_TIMEOUT_MS / 1000} s.`);
}

/** Scales the service back to 1 (or makes a new task): only a live spec that passes the assertion. */
export async function startService(tenantId: string, serviceId: string, scope: ExpectedScope): Promise<void> {
  const service = await scopedService(tenantId, serviceId);
  const task = currentTask(await tasksOf(serviceId).catch(() => []));
  if (replicasOf(service) === 1) {
    // Scaled to 1 already, but its task ended (restart "none"): a forced update starts a new one.
    if (task && task.Status.State === "running") return;
    await assertLiveSpec(service, scope);
    await updateService(service, bumpForce, "Starting the container");
  } else {
    await assertLiveSpec(service, scope);
    // Written at the version just asserted: a change made in between fails the write.
    await updateService(service, setReplicas(1), "Starting the container");
  }
  await untilStarted(serviceId, scope, task?.ID);
}

export async function stopService(tenantId: string, serviceId: string): Promise<void> {
  const service = await scopedService(tenantId, serviceId);
  if (replicasOf(service) === 0) return;
  await updateService(service, setReplicas(0), "Stopping the container");
  // A stop returns once the task has stopped, as `docker stop` does.
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const task = currentTask(await tasksOf(serviceId).catch(() => []));
    if (!task || ENDED.has(task.Status.State)) return;
    await sleep(POLL_MS);
  }
}

function bumpForce(spec: Record<string, unknown>): void {
  const template = spec.TaskTemplate as { ForceUpdate?: number };
  template.ForceUpdate = (template.ForceUpdate ?? 0) + 1;
  spec.Mode = { Replicated: { Replicas: 1 } };
}

export async function restartService(tenantId: string, serviceId: string, scope: ExpectedScope): Promise<void> {
  const service = await scopedService(tenantId, serviceId);
  await assertLiveSpec(service, scope);
  const task = currentTask(await tasksOf(serviceId).catch(() => []));
  await updateService(service, bumpForce, "Restarting the container");
  await untilStarted(serviceId, scope, task?.ID);
}

/** Quarantine: scaled to 0 at once, its (drifted) spec kept for the admin to look at. */
export async function haltService(tenantId: string, serviceId: string): Promise<void> {
  const service = await readService(serviceId);
  if (!service || !belongsTo(service.Spec.Labels, tenantId) || replicasOf(service) === 0) return;
  await updateService(service, setReplicas(0), "Stopping the container");
}

export async function removeService(tenantId: string, serviceId: string): Promise<void> {
  const service = await readService(serviceId);
  if (!service || !belongsTo(service.Spec.Labels, tenantId)) return;
  await managerDocker()
    .getService(service.ID)
    .remove()
    .catch((error: unknown) => {
      if (isNotFound(error)) return;
      throw toServiceError(error, "Removing the container");
    });
}

async function listServices(filters: { label: string[] }): Promise<ServiceInfo[]> {
  try {
    return (await managerDocker().listServices({ filters })) as unknown as ServiceInfo[];
  } catch (error) {
    throw toServiceError(error, "Listing services");
  }
}

export async function removeServicesOf(tenantId: string, berthId: string, options: { except?: string } = {}): Promise<number> {
  const list = await listServices({ label: [...tenantFilter(tenantId).label, `${LABEL.id}=${berthId}`] });
  const strays = list.filter((s) => s.ID !== options.except);
  for (const s of strays) await removeService(tenantId, s.ID);
  return strays.length;
}

export async function listAllServices(): Promise<{ dockerId: string; berthId?: string; tenantId?: string }[]> {
  const list = await listServices({ label: [`${LABEL.managed}=true`] });
  return list.map((s) => ({ dockerId: s.ID, berthId: s.Spec.Labels?.[LABEL.id], tenantId: s.Spec.Labels?.[LABEL.tenant] }));
}

/** Every managed service of a tenant, described (a task list per service: tenants have few). */
export async function listServiceInspects(tenantId: string): Promise<SwarmInspect[]> {
  const list = await listServices(tenantFilter(tenantId));
  return Promise.all(list.filter((s) => belongsTo(s.Spec.Labels, tenantId)).map((s) => describe(s)));
}

/** The engine and container id behind a service now, for logs, stats and exec. */
export async function locateService(
  tenantId: string,
  serviceId: string,
): Promise<{ engine: Dockerode; containerId: string; info: SwarmInspect } | null> {
  const info = await inspectService(tenantId, serviceId);
  if (!info) return null;
  const engine = taskEngine(info.berthSwarm.task);
  const container = info.berthSwarm.container;
  if (!engine || !container) return null;
  return { engine, containerId: container.Id, info };
}
