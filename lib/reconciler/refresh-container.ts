import "server-only";
import type { ActionName } from "@/lib/activity/actions";
import { recordActivity } from "@/lib/activity/record";
import { db } from "@/lib/db";
import { haltWorkload, verifyWorkload, type WorkloadInspect } from "@/lib/docker/workloads";
import type { Container, Tenant } from "@/lib/generated/prisma/client";
import { formatViolation, type Violation } from "@/lib/policy";
import { expectedScopeFor } from "@/lib/launch-scope";
import { editInFlight } from "@/lib/reconciler/edit-lease";
import { heldFromRefresh } from "@/lib/reconciler/held-from-refresh";

export type TrackedContainer = Container & { tenant: Tenant };

const system = { kind: "system" } as const;
// Docker reports "never" as the zero time.
const ZERO_TIME = "0001-01-01T00:00:00Z";

function isoOrNull(value: string | undefined): string | null {
  return value && value !== ZERO_TIME ? new Date(value).toISOString() : null;
}

/** An engine timestamp as the row stores it (`stateChangedAt`), or null for "never". */
export function engineTime(value: string | undefined): Date | null {
  const iso = isoOrNull(value);
  return iso ? new Date(iso) : null;
}

/**
 * A stop or restart Berth asked for. The services mark the row before they ask the engine
 * (lib/services/containers.ts): `stopped` for a stop, `restarting` for a restart, with the
 * engine's start time of the run being stopped as its `stateChangedAt`. Until that run has
 * stopped, events about it (the kill before the die) leave the mark alone; its stop is not
 * the container dying by itself.
 *
 * The engine also puts an on-failure container into `restarting` by itself after a crash,
 * which the reconciler records as the row's status; its restart count is then at least 1,
 * while a container Berth restarts has a count of 0 (a start asked for resets it). An
 * on-failure container that the engine has restarted before and that Berth restarts is
 * therefore still recorded as having died: telling the two apart there needs a mark of its
 * own on the row.
 */
function markedStop(status: Container["status"], restartCount: number): boolean {
  return status === "stopped" || (status === "restarting" && restartCount === 0);
}

/**
 * Brings one container's row in line with the engine and records what changed, once.
 * Idempotent: the engine's own timestamps (FinishedAt, StartedAt) are stored, so an event
 * seen twice, or a full re-read after a reconnect, finds nothing new to record.
 */
/**
 * Quarantine: the workload stopped at once (its drifted config kept for an administrator to
 * review), the row marked with the violations as its reason, and a system record of it. Also
 * used when a start finds the workload drifted before it runs (lib/services/containers.ts).
 */
export async function quarantineContainer(
  row: Pick<Container, "id" | "tenantId" | "name">,
  dockerId: string,
  violations: Violation[],
): Promise<void> {
  const reason = violations.map(formatViolation).join("; ");
  await haltWorkload(row.tenantId, dockerId);
  await db.$transaction(async (tx) => {
    await tx.container.update({
      where: { id: row.id },
      data: { status: "quarantined", quarantineReason: reason.slice(0, 4000), stateChangedAt: new Date() },
    });
    await recordActivity(
      system,
      {
        tenantId: row.tenantId,
        target: `container:${row.name}`,
        action: "container.quarantine",
        outcome: "denied",
        reason,
        details: { containerId: row.id, controls: [...new Set(violations.map((v) => v.control))] },
      },
      tx,
    );
  });
}

/** Whether the row's record (what the verification's scope is read from) changed, or an edit began. */
async function changedSince(row: TrackedContainer): Promise<boolean> {
  const now = await db.container.findUnique({
    where: { id: row.id },
    select: { status: true, dockerId: true, imageRef: true, memoryMb: true, cpuMillis: true, readOnlyRootfs: true },
  });
  if (!now) return true;
  const same =
    now.status === row.status &&
    now.dockerId === row.dockerId &&
    now.imageRef === row.imageRef &&
    now.memoryMb === row.memoryMb &&
    now.cpuMillis === row.cpuMillis &&
    now.readOnlyRootfs === row.readOnlyRootfs;
  return !same || (await editInFlight(row.id));
}

export async function refreshContainer(row: TrackedContainer, info: WorkloadInspect | null): Promise<void> {
  if (heldFromRefresh(row.status)) return;
  // An edit in flight (lib/services/update-container.ts) marks its row `restarting` and holds
  // the row's edit lease: the engine may already run the new workload the row does not record
  // yet (on Swarm the service's live spec is the new one), which is no drift. The edit
  // verifies what it made itself; the reconciler judges the row again once it ends.
  if (row.status === "restarting" && (await editInFlight(row.id))) return;
  const target = `container:${row.name}`;
  const base = { tenantId: row.tenantId, target };

  if (!info) {
    await db.$transaction(async (tx) => {
      // Only if the row is still as read: a removal that marked or deleted it meanwhile wins.
      const { count } = await tx.container.updateMany({
        where: { id: row.id, status: row.status },
        data: { status: "missing", stateChangedAt: new Date() },
      });
      if (count === 0) return;
      // Its ports are free again; a missing container holds nothing on the host.
      await tx.portAllocation.deleteMany({ where: { containerId: row.id } });
      await recordActivity(
        system,
        {
          ...base,
          action: "container.missing",
          outcome: "failed",
          reason: "removed from the engine outside Berth",
          details: { containerId: row.id, dockerId: row.dockerId },
        },
        tx,
      );
    });
    return;
  }

  const violations = await verifyWorkload(info, await expectedScopeFor(row.tenant, { id: row.id, imageRef: row.imageRef }), { strict: false });
  if (violations.length > 0) {
    // Judged against the row as read: an edit that began or committed since then changed what
    // Berth records (and the edit verified its own workload). The next event or pass judges
    // the row as it is now, rather than quarantine an edit's result for a stale record.
    if (await changedSince(row)) return;
    await quarantineContainer(row, info.Id, violations);
    return;
  }

  const state = info.State;
  const finishedAt = isoOrNull(state.FinishedAt);
  const startedAt = isoOrNull(state.StartedAt);
  const stopped = state.Status === "exited" || state.Status === "dead";
  const changedAt = stopped ? finishedAt : startedAt;
  const known = row.stateChangedAt?.toISOString() ?? null;
  const restartCount = (info as WorkloadInspect & { RestartCount?: number }).RestartCount ?? 0;
  const requested = markedStop(row.status, restartCount);
  let status = row.status;
  // The run Berth asked to stop is still up (the kill comes before the die): keep the mark.
  if (state.Status === "running" || state.Status === "paused") status = requested && startedAt === known ? row.status : "running";
  else if (state.Status === "restarting") status = "restarting";
  else if (state.Status === "created") status = "stopped";
  // A stop or restart Berth asked for keeps its mark once stopped (the restart's start, or the
  // person's next start, brings it back to running); a restarting row keeps holding its quota.
  else if (stopped) status = requested ? row.status : state.Status === "dead" ? "dead" : "exited";

  const events: { action: ActionName; outcome: "allowed" | "failed"; reason?: string; details: Record<string, unknown> }[] = [];
  if (stopped && changedAt && changedAt !== known && !requested) {
    events.push(
      state.OOMKilled
        ? {
            action: "container.oom",
            outcome: "failed",
            reason: `killed for exceeding its ${row.memoryMb} MB memory limit`,
            details: { containerId: row.id, exitCode: state.ExitCode },
          }
        : {
            action: "container.died",
            outcome: state.ExitCode === 0 ? "allowed" : "failed",
            reason: `exited with code ${state.ExitCode}`,
            details: { containerId: row.id, exitCode: state.ExitCode },
          },
    );
  }
  if (!stopped && changedAt && changedAt !== known && restartCount > 0 && (row.status === "exited" || row.status === "restarting")) {
    events.push({
      action: "container.restarted",
      outcome: "allowed",
      reason: "restarted by its on-failure policy",
      details: { containerId: row.id, restartCount },
    });
  }

  const health = state.Health?.Status ?? null;
  const exitCode = stopped ? state.ExitCode : null;
  // On Swarm, the node its current task was placed on (none while Swarm is placing it).
  const node = info.berthSwarm?.node ?? null;
  const unchanged =
    status === row.status &&
    exitCode === row.exitCode &&
    state.OOMKilled === row.oomKilled &&
    health === row.health &&
    changedAt === known &&
    node === row.node;
  if (unchanged) return;
  await db.$transaction(async (tx) => {
    // Only if the row is still as read: a user's stop or start that changed it meanwhile
    // wins, and the next event or pass looks again. No lost update, no false "died".
    const { count } = await tx.container.updateMany({
      where: { id: row.id, status: row.status },
      data: { status, exitCode, oomKilled: state.OOMKilled, health, node, stateChangedAt: changedAt ? new Date(changedAt) : row.stateChangedAt },
    });
    if (count === 0) return;
    for (const event of events) await recordActivity(system, { ...base, ...event }, tx);
  });
}
