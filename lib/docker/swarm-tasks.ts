import "server-only";
import type Dockerode from "dockerode";
import { configuredNodeIds, managerDocker, nodeDocker } from "@/lib/docker/client";
import { isNotFound } from "@/lib/docker/errors";

/**
 * Reading Swarm's tasks and nodes for the workload verbs (lib/docker/swarm-workloads.ts).
 * A Berth container on Swarm is a service with one task; the task, not the service, holds
 * its state, and the task's container lives on the node's own engine.
 */

export interface SwarmTask {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState: string;
  CreatedAt: string;
  Version?: { Index?: number };
  Status: {
    Timestamp?: string;
    State: string;
    Message?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string; ExitCode?: number };
  };
}

export interface SwarmNode {
  id: string;
  hostname: string;
  state: string;
  availability: string;
  /** Berth's posture label (berth.eligible=true) is on the node. */
  eligible: boolean;
}

/**
 * A node engine's answer within `ms`, else `fallback`: a daemon that is just restarting
 * accepts connections and holds them until it is ready, and the reconciler handles one
 * thing at a time, so one such call must never hold everything else up.
 */
export function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
  });
  return Promise.race([promise.catch(() => fallback), late]).finally(() => clearTimeout(timer));
}

export const NODE_CALL_MS = 5_000;

/** Every task of a service, newest first (Swarm keeps a few old ones as history). */
export async function tasksOf(serviceId: string): Promise<SwarmTask[]> {
  const tasks = (await managerDocker().listTasks({ filters: { service: [serviceId] } })) as SwarmTask[];
  // The filter matches by name prefix too: keep only this service's own tasks.
  return tasks
    .filter((t) => t.ServiceID === serviceId)
    .sort((a, b) => (b.Version?.Index ?? 0) - (a.Version?.Index ?? 0) || b.CreatedAt.localeCompare(a.CreatedAt));
}

/**
 * The task that stands for the container now: the newest one Swarm wants running, or,
 * when none is wanted (the service is scaled to 0 or its task ended for good), the newest.
 */
export function currentTask(tasks: SwarmTask[]): SwarmTask | undefined {
  return tasks.find((t) => t.DesiredState === "running") ?? tasks[0];
}

export async function listSwarmNodes(): Promise<SwarmNode[]> {
  const nodes = (await managerDocker().listNodes()) as {
    ID?: string;
    Description?: { Hostname?: string };
    Status?: { State?: string };
    Spec?: { Availability?: string; Labels?: Record<string, string> };
  }[];
  return nodes.map((n) => ({
    id: n.ID ?? "",
    hostname: n.Description?.Hostname ?? "",
    state: n.Status?.State ?? "unknown",
    availability: n.Spec?.Availability ?? "active",
    eligible: n.Spec?.Labels?.["berth.eligible"] === "true",
  }));
}

/** The engine of the node a task runs on, when Berth has an endpoint for it. */
export function taskEngine(task: SwarmTask | undefined): Dockerode | null {
  if (!task?.NodeID || !configuredNodeIds().includes(task.NodeID)) return null;
  return nodeDocker(task.NodeID);
}

/** The task's container as its node's engine reports it, or null (not created yet, pruned, node down). */
export async function taskContainer(task: SwarmTask | undefined): Promise<Dockerode.ContainerInspectInfo | null> {
  const engine = taskEngine(task);
  const id = task?.Status.ContainerStatus?.ContainerID;
  if (!engine || !id) return null;
  // Not found, or a node whose engine does not answer (its daemon is down): unknown.
  return within(engine.getContainer(id).inspect(), NODE_CALL_MS, null);
}

/**
 * The node whose engine holds a local volume (Swarm volumes are per node), or undefined.
 * Asked of every configured node: a handful of calls, and Berth's answer never depends on
 * what the service spec itself claims. `unreachable` lists nodes whose engine did not
 * answer: the volume may be on one of them.
 */
export async function findVolumeNode(dockerName: string): Promise<{ nodeId?: string; unreachable: string[] }> {
  const unreachable: string[] = [];
  for (const id of configuredNodeIds()) {
    const found = await within(
      nodeDocker(id)
        .getVolume(dockerName)
        .inspect()
        .then(
          () => true,
          (error: unknown) => {
            if (!isNotFound(error)) unreachable.push(id);
            return false;
          },
        ),
      NODE_CALL_MS,
      null,
    );
    if (found === null) unreachable.push(id);
    if (found) return { nodeId: id, unreachable };
  }
  return { unreachable };
}

export async function volumeNodeOf(dockerName: string): Promise<string | undefined> {
  return (await findVolumeNode(dockerName)).nodeId;
}
