import "server-only";
import type { Readable, Transform } from "node:stream";
import type { Actor } from "@/lib/auth/actor";
import { assertCanActInTenant, assertCanReadTenant, membershipRole, tenantWhere } from "@/lib/authz";
import { db } from "@/lib/db";
import { workloadLogs, type LogOptions } from "@/lib/docker/logs";
import { workloadStats, type WorkloadStats } from "@/lib/docker/stats";
import {
  inspectWorkload,
  listWorkloads,
  removeWorkload,
  restartWorkload,
  startWorkload,
  stopWorkload,
  workloadNoNewPrivileges,
  workloadState,
} from "@/lib/docker/workloads";
import { ServiceError, forbidden, notFound } from "@/lib/errors";
import { recordedState, toContainerDto } from "@/lib/services/container-dto";
import type { ContainerDto } from "@/lib/schemas/container";
import { currentReconciler } from "@/lib/reconciler/reconciler";
import { engineTime, quarantineContainer } from "@/lib/reconciler/refresh-container";
import { PolicyAssertionError } from "@/lib/docker/policy-assertion-error";
import { expectedScopeFor } from "@/lib/launch-scope";
import { command, type Command } from "@/lib/services/command";
import { stringsOf } from "@/lib/services/json-columns";
import { recordRouteChanges } from "@/lib/services/route-allocation";
import { kickEdge } from "@/lib/ingress/edge-sync";
import type { ContainerStatus } from "@/lib/generated/prisma/client";
import { containerListQuerySchema, type ListPage } from "@/lib/schemas/list-query";
import { readContainerPage } from "@/lib/services/container-page";
import { parseInput } from "@/lib/validation";
import { reserveQuota } from "@/lib/quota/reserve";
import { holdsResources } from "@/lib/quota/usage";
import { actorNow } from "@/lib/auth/actor-now";
import { guardStream, type EndingStream } from "@/lib/streams/guarded-stream";
import { admitStream } from "@/lib/streams/open-streams";
import { stripEscapesStream } from "@/lib/streams/strip-escapes";

const withPorts = { ports: true, routes: true } as const;

/** A tenant's containers with their live state (one label-filtered engine call). */
export async function listContainers(actor: Actor, tenantId: string): Promise<ContainerDto[]> {
  assertCanReadTenant(actor, tenantId);
  const rows = await db.container.findMany({
    where: { tenantId, tenant: tenantWhere(actor) },
    include: withPorts,
    orderBy: { createdAt: "desc" },
  });
  return withLiveState(tenantId, rows);
}

async function withLiveState(tenantId: string, rows: Parameters<typeof recordedState>[0][]): Promise<ContainerDto[]> {
  // While this process's reconciler follows the engine, the rows are as fresh as its events:
  // no engine call per page view. Otherwise ask the engine (one label-filtered list).
  if (currentReconciler()?.rowsAreLive()) return rows.map((row) => toContainerDto(row, recordedState(row)));
  const live = rows.length ? await listWorkloads(tenantId) : new Map();
  return rows.map((row) => toContainerDto(row, live.get(row.id) ?? null));
}

/**
 * One page of a tenant's containers, searched (name or image) and sorted in the query, with
 * the tenant scope in its `where` (GET /tenants/{id}/containers, the dashboard, the tenant
 * page). Ties are broken by id so that pages never repeat or skip a row. Plain SQL
 * (lib/services/container-page.ts): every dashboard view reads it.
 */
export async function queryContainers(actor: Actor, tenantId: string, input: unknown): Promise<ListPage<ContainerDto>> {
  assertCanReadTenant(actor, tenantId);
  const query = parseInput(containerListQuerySchema, input);
  const { rows, total } = await readContainerPage(actor, tenantId, query);
  return { items: await withLiveState(tenantId, rows), total, page: query.page, pageSize: query.pageSize };
}

/** The container if the actor can see its tenant; another tenant's id is not_found. */
async function visibleContainer(actor: Actor, containerId: string) {
  const row = await db.container.findFirst({
    where: { id: containerId, tenant: tenantWhere(actor) },
    include: withPorts,
  });
  if (!row) throw notFound("Container");
  return row;
}

/** The same, for changing it: only members of the container's tenant. Names it in the command's events. A step of the container commands: takes their Command. */
export async function actionableContainer(cmd: Command, containerId: string) {
  const row = await visibleContainer(cmd.actor, containerId);
  cmd.about({ tenantId: row.tenantId, target: `container:${row.name}` });
  if (!membershipRole(cmd.actor, row.tenantId)) {
    throw forbidden("Only members of this container's tenant can change it.");
  }
  assertCanActInTenant(cmd.actor, row.tenantId);
  return row;
}

async function liveOf(row: { tenantId: string; dockerId: string | null }) {
  return row.dockerId ? workloadState(row.tenantId, row.dockerId) : null;
}

export async function getContainer(actor: Actor, containerId: string): Promise<ContainerDto> {
  const row = await visibleContainer(actor, containerId);
  return toContainerDto(row, await liveOf(row));
}

/** What the container page shows: the DTO plus the hardening as the engine reports it. */
export async function getContainerDetail(actor: Actor, containerId: string) {
  const row = await visibleContainer(actor, containerId);
  // The page still renders when the engine is down (the layout shows the banner): the
  // container is then shown as Berth last recorded it.
  let engineDown = false;
  const info = row.dockerId
    ? await inspectWorkload(row.tenantId, row.dockerId).catch((error: unknown) => {
        if (error instanceof ServiceError && error.code === "daemon_unavailable") {
          engineDown = true;
          return null;
        }
        throw error;
      })
    : null;
  const live = info
    ? {
        dockerId: info.Id,
        berthId: row.id,
        state: info.State.Status,
        exitCode: info.State.ExitCode,
        oomKilled: info.State.OOMKilled,
        health: info.State.Health?.Status,
        ...(info.berthSwarm?.node ? { node: info.berthSwarm.node } : {}),
      }
    : null;
  const mounts = await db.containerMount.findMany({
    where: { containerId: row.id, container: { tenantId: row.tenantId } },
    include: { volume: { select: { name: true } } },
  });
  return {
    engineDown,
    // With the engine down, the status is the one Berth last recorded (the reconciler's).
    container: engineDown
      ? toContainerDto(row, {
          dockerId: row.dockerId ?? "",
          berthId: row.id,
          state: row.status === "running" ? "running" : "exited",
          exitCode: row.exitCode ?? undefined,
        })
      : toContainerDto(row, live),
    command: stringsOf(row.command),
    envKeys: stringsOf(row.envKeys) ?? [],
    restart: row.restart,
    mounts: mounts.map((m) => ({ volume: m.volume.name, path: m.path, readOnly: m.readOnly })),
    canAct: !!membershipRole(actor, row.tenantId),
    hardening: info
      ? {
          user: info.Config.User,
          capabilitiesDropped: info.HostConfig.CapDrop ?? [],
          capabilitiesAdded: info.HostConfig.CapAdd ?? [],
          readOnlyRootfs: info.HostConfig.ReadonlyRootfs ?? false,
          noNewPrivileges: await workloadNoNewPrivileges(info),
          privileged: info.HostConfig.Privileged ?? false,
          memoryBytes: info.HostConfig.Memory ?? 0,
          nanoCpus: info.HostConfig.NanoCpus ?? 0,
          pidsLimit: info.HostConfig.PidsLimit ?? 0,
          network: info.HostConfig.NetworkMode ?? "",
          init: info.HostConfig.Init ?? false,
        }
      : null,
  };
}

export type Lifecycle = "start" | "stop" | "restart";

/**
 * Start, stop or restart, recorded; a suspended tenant cannot start anything. Starting a
 * container that holds no resources (stopped, exited) counts against the quota like a
 * launch: stopped containers do not count toward memory and CPU, so their memory and CPU
 * are reserved again (status set to running, under the tenant's reservation lock) before
 * the engine starts them, and given back if the engine refuses.
 */
export const changeContainerState = command<[containerId: string, change: Lifecycle], ContainerDto>(
  ([, change]) => `container.${change}` as const,
  async (cmd, containerId: string, change: Lifecycle): Promise<ContainerDto> => {
    const row = await actionableContainer(cmd, containerId);
    let reservedFrom: ContainerStatus | null = null;
    try {
      if (!row.dockerId || row.status === "creating") throw new ServiceError("conflict", "This container is still being created.");
      if (row.status === "quarantined") throw new ServiceError("conflict", "This container is quarantined; an administrator must review it first.");
      const tenant = await db.tenant.findUniqueOrThrow({ where: { id: row.tenantId } });
      if (change !== "stop" && tenant.suspended) throw new ServiceError("conflict", "This tenant is suspended; its containers cannot be started.");
      if (change !== "stop" && !holdsResources(row)) {
        await db.$transaction(async (tx) => {
          await reserveQuota(tx, row.tenantId, { memoryMb: row.memoryMb, cpuMillis: row.cpuMillis });
          await tx.container.update({ where: { id: row.id }, data: { status: "running" } });
        });
        reservedFrom = row.status;
      }
      if (change !== "start") {
        // Marked before the engine stops it, with the start time of the run being stopped, so
        // the reconciler reads the kill and die that follow as a stop Berth asked for, not as
        // the container dying by itself (lib/reconciler/refresh-container.ts). A restarting
        // container still holds its quota.
        const startedAt = engineTime((await workloadState(row.tenantId, row.dockerId))?.startedAt);
        await db.container.update({
          where: { id: row.id },
          data: { status: change === "stop" ? "stopped" : "restarting", ...(startedAt ? { stateChangedAt: startedAt } : {}) },
        });
        reservedFrom ??= row.status;
      }
      // A start (or restart) is checked against what Berth recorded for the container, as
      // the reconciler verifies it: on Swarm the live spec is asserted before it runs again.
      if (change === "stop") await stopWorkload(row.tenantId, row.dockerId);
      else {
        const scope = await expectedScopeFor(tenant, { id: row.id, imageRef: row.imageRef });
        if (change === "start") await startWorkload(row.tenantId, row.dockerId, scope);
        else await restartWorkload(row.tenantId, row.dockerId, scope);
      }
    } catch (error) {
      // Drifted while stopped (changed behind Berth's back): refused, and quarantined as the
      // reconciler quarantines a drifted container, for an administrator to review.
      if (error instanceof PolicyAssertionError && row.dockerId) {
        const quarantined = await quarantineContainer(row, row.dockerId, error.violations).then(
          () => true,
          (qError: unknown) => {
            console.error("[containers] could not quarantine a drifted container:", qError);
            return false;
          },
        );
        if (quarantined) throw error;
      }
      const previous = reservedFrom;
      if (previous) await db.container.update({ where: { id: row.id }, data: { status: previous } }).catch(() => undefined);
      throw error;
    }
    const status = change === "stop" ? "stopped" : "running";
    const updated = await cmd.commit((tx) => tx.container.update({ where: { id: row.id }, data: { status }, include: withPorts }));
    return toContainerDto(updated, await liveOf(updated));
  },
  ([containerId]) => ({ details: { containerId } }),
);

/** Removes the container from the engine, frees its ports and deletes its row. */
export const removeContainer = command(
  "container.remove",
  async (cmd, containerId: string): Promise<void> => {
    const row = await actionableContainer(cmd, containerId);
    if (row.dockerId) {
      // Marked gone before the engine removes it, so the reconciler reads the kill, die and
      // destroy that follow as this removal, not as a death or a removal outside Berth.
      await db.container.update({ where: { id: row.id }, data: { status: "missing" } });
      try {
        await removeWorkload(row.tenantId, row.dockerId);
      } catch (error) {
        await db.container.update({ where: { id: row.id }, data: { status: row.status } }).catch(() => undefined);
        throw error;
      }
    }
    await cmd.commit(async (tx) => {
      await recordRouteChanges(cmd.actor, "ingress.route.remove", row, tx);
      return tx.container.delete({ where: { id: row.id } });
    });
    if (row.routes.length) kickEdge();
  },
  ([containerId]) => ({ details: { containerId } }),
);

export type LogRequest = LogOptions & {
  /** The download only: the bytes as the engine stored them, terminal escapes included. */
  raw?: boolean;
};

/**
 * A container's logs: for a download (no follow), text without terminal escape sequences
 * unless `raw`; with `follow`, a stream that holds one of the caller's open-stream slots
 * (`rate_limited` past the limit) and ends, saying why, when the caller may no longer see
 * the container (checked again every BERTH_STREAM_RECHECK_MS).
 */
export async function containerLogs(actor: Actor, containerId: string, options: LogRequest, signal?: AbortSignal): Promise<EndingStream> {
  const row = await visibleContainer(actor, containerId);
  if (!row.dockerId) throw new ServiceError("conflict", "This container has no logs yet.");
  const { raw, ...logOptions } = options;
  if (!logOptions.follow) {
    const logs = await workloadLogs(row.tenantId, row.dockerId, logOptions, signal);
    return raw ? logs : relayThrough(logs, stripEscapesStream());
  }
  const lease = admitStream({ userId: actor.userId, tenantId: row.tenantId });
  try {
    const logs = await workloadLogs(row.tenantId, row.dockerId, logOptions, signal);
    return guardStream(logs, {
      lease,
      signal,
      sourceEndReason: "The container stopped or was removed; the log ends here.",
      recheck: () => accessEndedReason(actor, containerId),
    });
  } catch (error) {
    lease.release();
    throw error;
  }
}

/** Why `actor` may no longer read this container (as a new request would be refused), or null. */
async function accessEndedReason(actor: Actor, containerId: string): Promise<string | null> {
  const now = await actorNow(actor);
  if ("ended" in now) return now.ended;
  try {
    await visibleContainer(now.actor, containerId);
    return null;
  } catch (error) {
    if (error instanceof ServiceError && error.code === "not_found") {
      return "You can no longer see this container: it was removed, or your access to its tenant ended.";
    }
    throw error;
  }
}

function relayThrough(source: Readable, transform: Transform): Readable {
  source.on("error", (error) => transform.destroy(error));
  transform.on("close", () => source.destroy());
  return source.pipe(transform);
}

/**
 * One sample of resource use. A container that stops or goes away while it is read is a
 * stopped container's zeros or `not_found`, never a server error (lib/docker/stats.ts).
 */
export async function containerStats(actor: Actor, containerId: string): Promise<WorkloadStats> {
  const row = await visibleContainer(actor, containerId);
  if (!row.dockerId) throw new ServiceError("conflict", "This container is still being created.");
  return workloadStats(row.tenantId, row.dockerId);
}
