import "server-only";
import type { ActionName } from "@/lib/activity/actions";
import { recordActivity } from "@/lib/activity/record";
import { db } from "@/lib/db";
import { haltWorkload, type WorkloadInspect } from "@/lib/docker/workloads";
import type { Container, Tenant } from "@/lib/generated/prisma/client";
import { formatViolation, verifyInspect } from "@/lib/policy";
import { expectedScopeFor } from "@/lib/launch-scope";

export type TrackedContainer = Container & { tenant: Tenant };

const system = { kind: "system" } as const;
// Docker reports "never" as the zero time.
const ZERO_TIME = "0001-01-01T00:00:00Z";

function isoOrNull(value: string | undefined): string | null {
  return value && value !== ZERO_TIME ? new Date(value).toISOString() : null;
}

/**
 * Brings one container's row in line with the engine and records what changed, once.
 * Idempotent: the engine's own timestamps (FinishedAt, StartedAt) are stored, so an event
 * seen twice, or a full re-read after a reconnect, finds nothing new to record.
 */
export async function refreshContainer(row: TrackedContainer, info: WorkloadInspect | null): Promise<void> {
  if (row.status === "creating" || row.status === "quarantined") return;
  const target = `container:${row.name}`;
  const base = { tenantId: row.tenantId, target };

  if (!info) {
    if (row.status === "missing") return;
    await db.$transaction(async (tx) => {
      await tx.container.update({ where: { id: row.id }, data: { status: "missing", stateChangedAt: new Date() } });
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

  const violations = verifyInspect(info, await expectedScopeFor(row.tenant, { id: row.id, imageRef: row.imageRef }));
  if (violations.length > 0) {
    const reason = violations.map(formatViolation).join("; ");
    await haltWorkload(row.tenantId, info.Id);
    await db.$transaction(async (tx) => {
      await tx.container.update({
        where: { id: row.id },
        data: { status: "quarantined", quarantineReason: reason.slice(0, 4000), stateChangedAt: new Date() },
      });
      await recordActivity(
        system,
        {
          ...base,
          action: "container.quarantine",
          outcome: "denied",
          reason,
          details: { containerId: row.id, controls: [...new Set(violations.map((v) => v.control))] },
        },
        tx,
      );
    });
    return;
  }

  const state = info.State;
  const finishedAt = isoOrNull(state.FinishedAt);
  const startedAt = isoOrNull(state.StartedAt);
  const stopped = state.Status === "exited" || state.Status === "dead";
  const changedAt = stopped ? finishedAt : startedAt;
  const known = row.stateChangedAt?.toISOString() ?? null;
  let status = row.status;
  if (state.Status === "running" || state.Status === "paused") status = "running";
  else if (state.Status === "restarting") status = "restarting";
  else if (state.Status === "created") status = "stopped";
  else if (stopped) status = row.status === "stopped" ? "stopped" : state.Status === "dead" ? "dead" : "exited";

  const events: { action: ActionName; outcome: "allowed" | "failed"; reason?: string; details: Record<string, unknown> }[] = [];
  if (stopped && changedAt && changedAt !== known && row.status !== "stopped") {
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
  const restartCount = (info as WorkloadInspect & { RestartCount?: number }).RestartCount ?? 0;
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
  const unchanged =
    status === row.status && exitCode === row.exitCode && state.OOMKilled === row.oomKilled && health === row.health && changedAt === known;
  if (unchanged) return;
  await db.$transaction(async (tx) => {
    // Only if the row is still as read: a user's stop or start that changed it meanwhile
    // wins, and the next event or pass looks again. No lost update, no false "died".
    const { count } = await tx.container.updateMany({
      where: { id: row.id, status: row.status },
      data: { status, exitCode, oomKilled: state.OOMKilled, health, stateChangedAt: changedAt ? new Date(changedAt) : row.stateChangedAt },
    });
    if (count === 0) return;
    for (const event of events) await recordActivity(system, { ...base, ...event }, tx);
  });
}
