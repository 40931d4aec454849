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
  rows: new Map<string, { id: string; tenantId: string; dockerId: string; status: string }>(),
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
  trackedContainerFor: async (ref: { berthId?: string }) => {
    const row = engine.rows.get(ref.berthId ?? "");
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
const row = (id: string, status: string) => engine.rows.set(id, { id, tenantId: "t1", dockerId: `d-${id}`, status });

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

  it("looks again at a launch that has not committed, once, however many of its events came meanwhile", async () => {
    row("new", "creating");
    engine.emit(event("start", "new"));
    await reconciler.settle();
    expect(engine.refreshed).toEqual([]);
    // The container dies before the launch commits; the retry already waiting covers it.
    engine.emit(event("die", "new"));
    row("new", "running");
    await vi.advanceTimersByTimeAsync(500);
    await reconciler.settle();
    expect(engine.inspected).toEqual(["d-new"]);
    expect(engine.refreshed).toEqual([{ id: "new", status: "running", asked: true }]);
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
