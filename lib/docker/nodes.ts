import "server-only";
import type Docker from "dockerode";
import { config } from "@/lib/config";
import { docker, managerDocker, nodeDocker } from "@/lib/docker/client";
import { engineKind, swarmConfig } from "@/lib/docker/engine-config";
import { LABEL } from "@/lib/docker/labels";
import { evaluatePosture, postureFacts, postureRules, type NodePosture } from "@/lib/docker/node-posture";

export type { NodePosture };

/**
 * The node label Berth sets from each node's posture; tenant services carry the placement
 * constraint `node.labels.berth.eligible==true`, so a node that fails (or was never checked)
 * gets no tenant task.
 */
export const ELIGIBLE_LABEL = "berth.eligible";
export const ELIGIBLE_CONSTRAINT = `node.labels.${ELIGIBLE_LABEL}==true`;

export type NodeAvailability = "active" | "pause" | "drain";

export interface EngineNode {
  id: string;
  hostname: string;
  role: "manager" | "worker";
  availability: NodeAvailability;
  state: "ready" | "down";
  /** Berth's running containers (tasks) on the node. */
  containers: number;
  posture: NodePosture;
}

// Posture is a property of a node's daemon, not of a request: checked once, kept for a few
// minutes, and checked again sooner when the node changes (lib/docker/node-watch.ts).
const POSTURE_TTL_MS = 3 * 60_000;
interface CachedPosture {
  at: number;
  posture: Promise<NodePosture>;
}
const globalForNodes = globalThis as unknown as { berthNodePosture?: Map<string, CachedPosture> };
const cache = (globalForNodes.berthNodePosture ??= new Map());
// Nodes whose engine did not answer at their last check: a daemon that restarts within the
// manager's heartbeat never shows as "down", so no event would say it is back; these are
// checked again often (recheckUnansweredNodes).
const unanswered = new Set<string>();

/** Forgets a node's posture (or every node's) so the next read checks again. */
export function invalidateNodePosture(nodeId?: string): void {
  if (nodeId) cache.delete(nodeId);
  else cache.clear();
}

function engineOf(nodeId: string): Docker | null {
  return swarmConfig().nodes[nodeId] ? nodeDocker(nodeId) : null;
}

/** Checks one Swarm node through its own engine, and sets its eligibility label to match. */
function checkSwarmNode(nodeId: string): Promise<NodePosture> {
  const at = Date.now();
  const posture = postureFacts(engineOf(nodeId), config().helperImage, { probe: true })
    .then((facts) => {
      if (facts.endpoint && !facts.reachable) unanswered.add(nodeId);
      else unanswered.delete(nodeId);
      return evaluatePosture(facts, postureRules());
    })
    .then(async (result) => {
      await setEligibility(nodeId, result.ok).catch((error: unknown) =>
        console.error(`[nodes] could not label node ${nodeId}: ${error instanceof Error ? error.message : String(error)}`),
      );
      return result;
    });
  cache.set(nodeId, { at, posture });
  // A failed check must not stick: the next read tries again.
  posture.catch(() => cache.delete(nodeId));
  return posture;
}

/**
 * A node's posture: the cached one while fresh; a stale one is returned as it is while a new
 * check runs behind it (a page never waits on a probe it has an answer for).
 */
function swarmNodePosture(nodeId: string, fresh: boolean): Promise<NodePosture> {
  const cached = cache.get(nodeId);
  if (!cached || fresh) return checkSwarmNode(nodeId);
  if (Date.now() - cached.at > POSTURE_TTL_MS) {
    const previous = cached.posture;
    void checkSwarmNode(nodeId).catch(() => undefined);
    return previous;
  }
  return cached.posture;
}

/** A Swarm node's posture as Berth last checked it (checked now when it never was); null on the single engine. */
export function cachedNodePosture(nodeId: string): Promise<NodePosture | null> {
  if (engineKind() === "docker") return Promise.resolve(null);
  return swarmNodePosture(nodeId, false);
}

async function setEligibility(nodeId: string, eligible: boolean): Promise<void> {
  const want = String(eligible);
  // Spec updates carry the version read; another writer in between makes the engine refuse
  // it ("update out of sequence"), so read again and retry once.
  for (let attempt = 0; ; attempt++) {
    const node = managerDocker().getNode(nodeId);
    const current = (await node.inspect()) as { Version: { Index: number }; Spec: { Labels?: Record<string, string> } };
    if (current.Spec.Labels?.[ELIGIBLE_LABEL] === want) return;
    try {
      await node.update({ version: current.Version.Index, ...current.Spec, Labels: { ...current.Spec.Labels, [ELIGIBLE_LABEL]: want } });
      return;
    } catch (error) {
      if (attempt > 0) throw error;
    }
  }
}

interface SwarmNodeInfo {
  ID: string;
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string> };
  Description?: { Hostname?: string };
  Status?: { State?: string };
}

interface SwarmTaskInfo {
  NodeID?: string;
  ServiceID?: string;
  Status?: { State?: string };
  Spec?: { ContainerSpec?: { Labels?: Record<string, string> } };
}

/** Berth's running tasks per node: tasks of services Berth labelled, or whose container spec it labelled. */
async function runningTasksPerNode(manager: Docker): Promise<Map<string, number>> {
  const [services, tasks] = await Promise.all([
    manager.listServices({ filters: { label: [`${LABEL.managed}=true`] } }),
    manager.listTasks({ filters: { "desired-state": ["running"] } }) as Promise<SwarmTaskInfo[]>,
  ]);
  const ours = new Set(services.map((s) => s.ID));
  const counts = new Map<string, number>();
  for (const task of tasks) {
    if (task.Status?.State !== "running" || !task.NodeID) continue;
    const labelled = task.Spec?.ContainerSpec?.Labels?.[LABEL.managed] === "true";
    if (!labelled && !(task.ServiceID && ours.has(task.ServiceID))) continue;
    counts.set(task.NodeID, (counts.get(task.NodeID) ?? 0) + 1);
  }
  return counts;
}

async function listSwarmNodes(fresh: boolean): Promise<EngineNode[]> {
  const manager = managerDocker();
  const [nodes, counts] = await Promise.all([manager.listNodes() as Promise<SwarmNodeInfo[]>, runningTasksPerNode(manager)]);
  const postures = await Promise.all(nodes.map((n) => swarmNodePosture(n.ID, fresh)));
  return nodes
    .map((node, i) => ({
      id: node.ID,
      hostname: node.Description?.Hostname ?? node.ID,
      role: node.Spec?.Role === "manager" ? ("manager" as const) : ("worker" as const),
      availability: availabilityOf(node.Spec?.Availability),
      state: node.Status?.State === "ready" ? ("ready" as const) : ("down" as const),
      containers: counts.get(node.ID) ?? 0,
      posture: postures[i],
    }))
    .sort((a, b) => (a.role === b.role ? a.hostname.localeCompare(b.hostname) : a.role === "manager" ? -1 : 1));
}

function availabilityOf(value: string | undefined): NodeAvailability {
  return value === "drain" || value === "pause" ? value : "active";
}

/**
 * The single engine as a node. No probe: on one engine Berth asks for no-new-privileges on
 * every container itself (U4) and the verifier reads it back from each container's inspect,
 * so the daemon's default does not matter there.
 */
async function singleEngineNode(): Promise<EngineNode> {
  const engine = docker();
  const [facts, info, running] = await Promise.all([
    postureFacts(engine, config().helperImage, { probe: false }),
    engine.info() as Promise<{ ID?: string; Name?: string }>,
    engine.listContainers({ filters: { label: [`${LABEL.managed}=true`], status: ["running"] } }),
  ]);
  return {
    id: info.ID ?? "local",
    hostname: info.Name ?? "local",
    role: "manager",
    availability: "active",
    state: "ready",
    containers: running.length,
    posture: evaluatePosture({ ...facts, noNewPrivs: true }, postureRules()),
  };
}

/** Every node of the engine Berth runs on: one item on a single engine. `fresh` re-checks posture. */
export async function listEngineNodes(options: { fresh?: boolean } = {}): Promise<EngineNode[]> {
  if (engineKind() === "docker") return [await singleEngineNode()];
  return listSwarmNodes(options.fresh === true);
}

/** A Swarm node that can run tenant tasks, by id and by the host name the Nodes page shows. */
export interface TenantNode {
  id: string;
  hostname: string;
}

/**
 * The Swarm nodes that can run tenant tasks: ready and passing posture (the same check that
 * sets the eligibility label the placement constraint reads). Drained nodes count: they take
 * tasks again once re-activated. Each one needs every catalog image (lib/docker/images.ts).
 */
export async function tenantNodes(): Promise<TenantNode[]> {
  if (engineKind() === "docker") return [];
  // Every launch asks: the node list and the cached postures only, not listSwarmNodes' task counts.
  const nodes = (await managerDocker().listNodes()) as SwarmNodeInfo[];
  const postures = await Promise.all(nodes.map((n) => swarmNodePosture(n.ID, false)));
  return nodes.filter((n, i) => n.Status?.State === "ready" && postures[i].ok).map((n) => ({ id: n.ID, hostname: n.Description?.Hostname ?? n.ID }));
}

/** Checks every node now (and labels them); for the watch and for tests that need labels set. */
export async function refreshNodePosture(): Promise<Map<string, NodePosture>> {
  if (engineKind() === "docker") return new Map();
  const nodes = (await managerDocker().listNodes()) as SwarmNodeInfo[];
  const postures = await Promise.all(nodes.map((n) => checkSwarmNode(n.ID)));
  return new Map(nodes.map((n, i) => [n.ID, postures[i]]));
}

/** Checks again every node whose engine did not answer last time (cheap while it still does not). */
export async function recheckUnansweredNodes(): Promise<void> {
  await Promise.all([...unanswered].map((id) => checkSwarmNode(id).catch(() => undefined)));
}

/** Re-checks one node (after it joined, came back or changed). */
export function recheckNode(nodeId: string): Promise<NodePosture> {
  return checkSwarmNode(nodeId);
}

export interface AvailabilityChange {
  id: string;
  hostname: string;
  before: NodeAvailability;
  after: NodeAvailability;
}

/**
 * Drains or re-activates a Swarm node on the manager; the orchestrator moves a drained node's
 * tasks. Returns null when the node does not exist.
 */
export async function setNodeAvailability(nodeId: string, availability: "active" | "drain"): Promise<AvailabilityChange | null> {
  for (let attempt = 0; ; attempt++) {
    const node = managerDocker().getNode(nodeId);
    let current: SwarmNodeInfo & { Version: { Index: number }; Spec: Record<string, unknown> };
    try {
      current = (await node.inspect()) as typeof current;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
    const change = {
      id: current.ID,
      hostname: current.Description?.Hostname ?? current.ID,
      before: availabilityOf(current.Spec.Availability as string | undefined),
      after: availability,
    };
    if (change.before === availability) return change;
    try {
      await node.update({ version: current.Version.Index, ...current.Spec, Availability: availability });
      return change;
    } catch (error) {
      if (attempt > 0) throw error;
    }
  }
}
