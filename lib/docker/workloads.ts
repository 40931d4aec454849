import "server-only";
import type Dockerode from "dockerode";
import { docker } from "@/lib/docker/client";
import { isNotFound, isStatus, toServiceError } from "@/lib/docker/errors";
import { LABEL, belongsTo, tenantFilter } from "@/lib/docker/labels";
import { ServiceError } from "@/lib/errors";
import { assertCreateOptions, formatViolation, type DockerCreateOptions, type ExpectedScope, type Violation } from "@/lib/policy";

/**
 * Tenant workloads in Berth's terms (launch, inspect, stop, remove). Today a workload is
 * one container; the same interface can later place Swarm services.
 */

export class PolicyAssertionError extends ServiceError {
  constructor(readonly violations: Violation[]) {
    super(
      "policy_violation",
      `Berth refused to send this container to the engine: ${violations.map(formatViolation).join("; ")}`,
      violations.map((v) => ({ path: v.path, message: `${v.message} (${v.control})` })),
    );
  }
}

/** A container's `docker inspect` document, for the verifier and the reconciler. */
export type WorkloadInspect = Dockerode.ContainerInspectInfo;

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
}

/**
 * Creates and starts a hardened container. The assertion re-reads the exact body that is
 * sent; if start fails the half-made container is removed, so a failed launch leaves nothing.
 */
export async function launchWorkload(options: DockerCreateOptions, scope: ExpectedScope): Promise<{ dockerId: string }> {
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
export async function inspectWorkload(tenantId: string, dockerId: string): Promise<Dockerode.ContainerInspectInfo | null> {
  try {
    const info = await docker().getContainer(dockerId).inspect();
    return belongsTo(info.Config.Labels, tenantId) ? info : null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw toServiceError(error, "Reading the container");
  }
}

function stateOf(info: Dockerode.ContainerInspectInfo): WorkloadState {
  return {
    dockerId: info.Id,
    berthId: info.Config.Labels?.[LABEL.id] ?? "",
    state: info.State.Status,
    exitCode: info.State.ExitCode,
    oomKilled: info.State.OOMKilled,
    health: info.State.Health?.Status,
    startedAt: info.State.StartedAt,
    finishedAt: info.State.FinishedAt,
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

export async function startWorkload(tenantId: string, dockerId: string): Promise<void> {
  const container = await scoped(tenantId, dockerId);
  await container.start().catch((error: unknown) => {
    if (isStatus(error, 304)) return; // already running
    throw toServiceError(error, "Starting the container");
  });
}

export async function stopWorkload(tenantId: string, dockerId: string, timeoutSeconds = 10): Promise<void> {
  const container = await scoped(tenantId, dockerId);
  await container.stop({ t: timeoutSeconds }).catch((error: unknown) => {
    if (isStatus(error, 304)) return; // already stopped
    throw toServiceError(error, "Stopping the container");
  });
}

export async function restartWorkload(tenantId: string, dockerId: string, timeoutSeconds = 10): Promise<void> {
  const container = await scoped(tenantId, dockerId);
  await container.restart({ t: timeoutSeconds }).catch((error: unknown) => {
    throw toServiceError(error, "Restarting the container");
  });
}

/**
 * Gives a container another engine name. An edit moves the container it replaces aside this
 * way: the new one takes the name (the edge dials containers by it), and on failure the old
 * one gets it back. `name` is built by Berth (containerDockerName), never by a tenant.
 */
export async function renameWorkload(tenantId: string, dockerId: string, name: string): Promise<void> {
  const container = await scoped(tenantId, dockerId);
  await container.rename({ name }).catch((error: unknown) => {
    throw toServiceError(error, "Renaming the container");
  });
}

/** Removes the container and its anonymous volumes (`v`: named volumes are never touched). A container already gone is fine. */
export async function removeWorkload(tenantId: string, dockerId: string): Promise<void> {
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
  try {
    const list = await docker().listContainers({ all: true, filters: { label: [`${LABEL.managed}=true`] } });
    return list.map((c) => ({ dockerId: c.Id, berthId: c.Labels?.[LABEL.id], tenantId: c.Labels?.[LABEL.tenant] }));
  } catch (error) {
    throw toServiceError(error, "Listing containers");
  }
}

/** Stops a container now (no grace period): used to quarantine one that drifted. */
export async function haltWorkload(tenantId: string, dockerId: string): Promise<void> {
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
