import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WorkloadEvent } from "@/lib/docker/events";
import type { Container } from "@/lib/generated/prisma/client";

/**
 * The reconciler's queue on its own: which events reach the engine and the database. Its
 * work against a real daemon is in test/integration/reconciler.int.test.ts; here the engine's
 * event stream, the row lookup, the engine's inspect and the refresh are stand-ins the test
 * drives, so the order and number of calls are exact.
 */
const engine = vi.hoisted(() => ({
  emit: (_event: unknown): void => undefined,
  rows: new Map<string, { id: string; tenantId: string; dockerId: string | null; status: string }>(),
  inspected: [] as string[],
  refreshed: [] as { id: string; status: string; asked: boolean }[],
}));

vi.mock("@/lib/docker/events", () => ({
  followWorkloadEvents: (onEvent: (event: unknown) => void, signal: AbortSignal) => {
    engine.emit = onEvent;
    return new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
  },
}));
vi.mock("@/lib/docker/workloads", () => ({
  inspectWorkload: async (_tenantId: string, dockerId: string) => {
    engine.inspected.push(dockerId);
    return { Id: dockerId };
  },
}));
vi.mock("@/lib/reconciler/tracked-container", () => ({
  // By Berth's id, else by the engine's id (which a launch writes only when it commits).
  trackedContainerFor: async (ref: { berthId?: string; dockerId?: string }) => {
    const row = ref.berthId
      ? engine.rows.get(ref.berthId)
      : [...engine.rows.values()].find((r) => r.dockerId !== null && r.dockerId === ref.dockerId);
    return row ? { ...row, tenant: { id: row.tenantId } } : null;
  },
}));
vi.mock("@/lib/reconciler/refresh-container", () => ({
  refreshContainer: async (row: Pick<Container, "id" | "status">, info: unknown) => {
    engine.refreshed.push({ id: row.id, status: row.status, asked: info !== null });
  },
}));
vi.mock("@/lib/reconciler/reconcile-all", () => ({
  reconcileAll: async () => ({ at: new Date().toISOString() }),
}));
vi.mock("@/lib/reconciler/lease", () => ({
  tryLease: async () => true,
  releaseLease: async () => undefined,
}));

const { Reconciler } = await import("@/lib/reconciler/reconciler");

const event = (action: string, id: string): WorkloadEvent => ({
  action,
  dockerId: `d-${id}`,
  berthId: id,
  tenantId: "t1",
  timeNano: 0,
});
const row = (id: string, status: string, dockerId: string | null = `d-${id}`) => engine.rows.set(id, { id, tenantId: "t1", dockerId, status });

let reconciler: InstanceType<typeof Reconciler>;

beforeEach(async () => {
  vi.useFakeTimers();
  engine.rows.clear();
  engine.inspected.length = 0;
  engine.refreshed.length = 0;
  reconciler = new Reconciler();
  reconciler.start();
  // The lease, the first pass and the subscription: promises only, no timers.
  await vi.advanceTimersByTimeAsync(0);
  await reconciler.settle();
});

afterEach(async () => {
  await reconciler.stop();
  vi.useRealTimers();
});

describe("the reconciler's queue", () => {
  it("refreshes a container once for a burst of its events, reading the engine when the refresh runs", async () => {
    row("c1", "running");
    for (const action of ["kill", "die", "stop"]) engine.emit(event(action, "c1"));
    await reconciler.settle();
    expect(engine.inspected).toEqual(["d-c1"]);
    expect(engine.refreshed).toEqual([{ id: "c1", status: "running", asked: true }]);
  });

  it("gives an event that arrives after its container's refresh began a refresh of its own", async () => {
    row("c1", "running");
    engine.emit(event("start", "c1"));
    await reconciler.settle();
    engine.emit(event("die", "c1"));
    await reconciler.settle();
    expect(engine.inspected).toEqual(["d-c1", "d-c1"]);
  });

  it("does not merge the events of different containers", async () => {
    row("c1", "running");
    row("c2", "running");
    for (const id of ["c1", "c2", "c1", "c2"]) engine.emit(event("die", id));
    await reconciler.settle();
    expect(engine.inspected).toEqual(["d-c1", "d-c2"]);
  });

  it("does not ask the engine about a row no engine state changes (a removal's kill, die and stop)", async () => {
    row("gone", "missing");
    row("held", "quarantined");
    engine.emit(event("kill", "gone"));
    engine.emit(event("die", "held"));
    await reconciler.settle();
    expect(engine.inspected).toEqual([]);
    expect(engine.refreshed.map((r) => r.asked)).toEqual([false, false]);
  });

  it("looks again at a launch that has not committed, and refreshes it once it has", async () => {
    row("new", "creating");
    engine.emit(event("start", "new"));
    await reconciler.settle();
    expect(engine.refreshed).toEqual([]);
    row("new", "running");
    await vi.advanceTimersByTimeAsync(500);
    await reconciler.settle();
    expect(engine.inspected).toEqual(["d-new"]);
    expect(engine.refreshed).toEqual([{ id: "new", status: "running", asked: true }]);
  });

  it("on Swarm, a service's own event (no Berth id) does not stand in for its task's container event", async () => {
    // The service's create, then its task's start, both before the launch commits: the first
    // finds no row by the service id, the second finds the row by Berth's id and looks again.
    row("svc", "creating", null);
    engine.emit({ action: "create", dockerId: "d-svc", timeNano: 0 });
    engine.emit(event("start", "svc"));
    await reconciler.settle();
    row("svc", "running");
    await vi.advanceTimersByTimeAsync(500);
    await reconciler.settle();
    expect(engine.refreshed).toEqual([{ id: "svc", status: "running", asked: true }]);
  });

  it("ignores an event whose row is unknown or whose labels name another tenant", async () => {
    row("c1", "running");
    engine.emit(event("die", "unknown"));
    engine.emit({ ...event("die", "c1"), tenantId: "t2" });
    await reconciler.settle();
    expect(engine.inspected).toEqual([]);
    expect(engine.refreshed).toEqual([]);
  });
});
