import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { docker } from "@/lib/docker/client";
import { LABEL, testLabels } from "@/lib/docker/labels";
import { inspectWorkload } from "@/lib/docker/workloads";
import { Reconciler } from "@/lib/reconciler/reconciler";
import { reconcileAll } from "@/lib/reconciler/reconcile-all";
import { tryLease } from "@/lib/reconciler/lease";
import { trackedContainerFor } from "@/lib/reconciler/tracked-container";
import { expectedScopeFor } from "@/lib/launch-scope";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { changeContainerState, getContainer, listContainers, removeContainer } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";
import { eventually } from "./fixtures";
import { cleanUpTenant, tenantWithOwner, type TestTenant } from "./tenancy";

const SHELL = "berth/shell:1";
let tenant: TestTenant;
let reconciler: Reconciler;

async function dockerIdOf(containerId: string): Promise<string> {
  return (await db.container.findUniqueOrThrow({ where: { id: containerId } })).dockerId ?? "";
}

const eventsOf = (containerId: string, action: string) => db.activityEvent.findMany({ where: { action, details: { contains: containerId } } });

beforeAll(async () => {
  await seedStarterCatalog();
  tenant = await tenantWithOwner("rec");
  reconciler = new Reconciler({ staleCreatingMs: 60_000 });
  reconciler.start();
  await reconciler.waitForPass(0);
});

afterAll(async () => {
  await reconciler.stop();
  await cleanUpTenant(tenant);
});

describe("the reconciler follows the engine (real daemon, event stream)", () => {
  it("a container killed with docker kill shows exited with its code, recorded once as a system event", async () => {
    const c = await launchContainer(tenant.owner, tenant.id, { name: "victim", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    execFileSync("docker", ["kill", await dockerIdOf(c.id)]);
    const row = await eventually(
      () => db.container.findUniqueOrThrow({ where: { id: c.id } }),
      (r) => r.status === "exited",
    );
    expect(row).toMatchObject({ status: "exited", exitCode: 137 });
    expect(await getContainer(tenant.owner, c.id)).toMatchObject({ status: "exited", exitCode: 137 });
    await reconciler.settle();
    await reconcileAll(); // a full re-read on top of the event must not record it again
    const died = await eventsOf(c.id, "container.died");
    expect(died).toHaveLength(1);
    expect(died[0]).toMatchObject({ actorType: "system", tenantId: tenant.id, outcome: "failed", reason: "exited with code 137" });
  });

  it("a container removed with docker rm -f shows missing and frees its host port", async () => {
    const c = await launchContainer(tenant.owner, tenant.id, {
      name: "gone",
      image: SHELL,
      ports: [{ container: 8080, expose: "port" }],
      memoryMb: 32,
      cpuMillis: 100,
    });
    expect(await db.portAllocation.count({ where: { containerId: c.id } })).toBe(1);
    execFileSync("docker", ["rm", "-f", await dockerIdOf(c.id)]);
    await eventually(
      () => db.container.findUniqueOrThrow({ where: { id: c.id } }),
      (r) => r.status === "missing",
    );
    expect(await db.portAllocation.count({ where: { containerId: c.id } })).toBe(0);
    expect((await listContainers(tenant.owner, tenant.id)).find((x) => x.id === c.id)?.status).toBe("missing");
    expect(await eventsOf(c.id, "container.missing")).toHaveLength(1);
  });

  it("docker update --memory on a managed container gets it stopped and quarantined, naming the control", async () => {
    const c = await launchContainer(tenant.owner, tenant.id, { name: "drift", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    const dockerId = await dockerIdOf(c.id);
    execFileSync("docker", ["update", "--memory", "512m", "--memory-swap", "512m", dockerId]);
    const row = await eventually(
      () => db.container.findUniqueOrThrow({ where: { id: c.id } }),
      (r) => r.status === "quarantined",
    );
    expect(row.quarantineReason ?? "").toMatch(/Memory/);
    expect((await inspectWorkload(tenant.id, dockerId))?.State.Running).toBe(false);
    const [event] = await eventsOf(c.id, "container.quarantine");
    expect(event).toMatchObject({ actorType: "system", outcome: "denied" });
    expect(JSON.parse(event.details ?? "{}").controls).toContain("R1");
    expect((await getContainer(tenant.owner, c.id)).status).toBe("quarantined");
  });

  it("an exit by itself is recorded with its code; an OOM kill is recorded as container.oom", async () => {
    const c = await launchContainer(tenant.owner, tenant.id, {
      name: "quitter",
      image: SHELL,
      command: ["sh", "-c", "sleep 0.3; exit 4"],
      memoryMb: 32,
      cpuMillis: 100,
    });
    await eventually(
      () => db.container.findUniqueOrThrow({ where: { id: c.id } }),
      (r) => r.status === "exited",
    );
    await reconciler.settle();
    expect((await eventsOf(c.id, "container.died")).map((e) => e.reason)).toEqual(["exited with code 4"]);

    // Allocate far past the limit in memory (a shell variable doubling itself).
    const hog = await launchContainer(tenant.owner, tenant.id, {
      name: "hog",
      image: SHELL,
      command: ["sh", "-c", "x=a; while true; do x=$x$x; done"],
      memoryMb: 16,
      cpuMillis: 500,
    });
    const row = await eventually(
      () => db.container.findUniqueOrThrow({ where: { id: hog.id } }),
      (r) => r.status === "exited",
      30_000,
    );
    expect(row.oomKilled).toBe(true);
    await reconciler.settle();
    expect(await eventsOf(hog.id, "container.oom")).toHaveLength(1);
    expect((await getContainer(tenant.owner, hog.id)).oomKilled).toBe(true);
  });
});

describe("changes Berth asked for (real daemon, event stream)", () => {
  const tenantEvents = (containerId: string) =>
    db.activityEvent.findMany({ where: { details: { contains: containerId } }, orderBy: { seq: "asc" }, select: { action: true, outcome: true } });

  it("a restart is recorded as the restart, never as the container dying, and it ends running", async () => {
    const c = await launchContainer(tenant.owner, tenant.id, { name: "bounce", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    await reconciler.settle();
    for (let i = 0; i < 3; i++) await changeContainerState(tenant.owner, c.id, "restart");
    // The engine's kill, die, start and restart events have arrived and been handled.
    await new Promise((r) => setTimeout(r, 1000));
    await reconciler.settle();
    await reconcileAll();
    expect(await eventsOf(c.id, "container.died")).toHaveLength(0);
    expect((await tenantEvents(c.id)).map((e) => `${e.action} ${e.outcome}`)).toEqual([
      "container.launch allowed",
      "container.restart allowed",
      "container.restart allowed",
      "container.restart allowed",
    ]);
    expect(await db.container.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ status: "running" });
  });

  it("a stop is recorded as the stop; a start after it is no restart by policy", async () => {
    const c = await launchContainer(tenant.owner, tenant.id, { name: "pause", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    await changeContainerState(tenant.owner, c.id, "stop");
    await new Promise((r) => setTimeout(r, 500));
    await reconciler.settle();
    expect(await db.container.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ status: "stopped" });
    await changeContainerState(tenant.owner, c.id, "start");
    await new Promise((r) => setTimeout(r, 500));
    await reconciler.settle();
    expect((await tenantEvents(c.id)).map((e) => e.action)).toEqual(["container.launch", "container.stop", "container.start"]);
  });

  it("a removal is recorded as the removal, not as the container going missing, and the reconciler keeps following", async () => {
    for (const name of ["rm-a", "rm-b", "rm-c"]) {
      const c = await launchContainer(tenant.owner, tenant.id, { name, image: SHELL, memoryMb: 32, cpuMillis: 100 });
      await reconciler.settle();
      await removeContainer(tenant.owner, c.id);
      await new Promise((r) => setTimeout(r, 300));
      await reconciler.settle();
      expect((await tenantEvents(c.id)).map((e) => e.action)).toEqual(["container.launch", "container.remove"]);
    }
    expect(reconciler.snapshot()).toMatchObject({ connected: true, lastError: null });
    expect(reconciler.rowsAreLive()).toBe(true);
  });
});

describe("the reconciler's own state", () => {
  it("reads the row an event names, and the scope it verifies against, as Prisma's model reads do (plain SQL)", async () => {
    const c = await launchContainer(tenant.owner, tenant.id, {
      name: "reread",
      image: SHELL,
      command: ["sh", "-c", "sleep 0.2; exit 5"],
      env: { MODE: "x" },
      ports: [{ container: 8080, expose: "port" }],
      memoryMb: 32,
      cpuMillis: 100,
    });
    await eventually(
      () => db.container.findUniqueOrThrow({ where: { id: c.id } }),
      (r) => r.status === "exited" && r.stateChangedAt !== null,
    );
    const expected = await db.container.findUniqueOrThrow({ where: { id: c.id }, include: { tenant: true } });
    expect(await trackedContainerFor({ berthId: c.id })).toStrictEqual(expected);
    expect(await trackedContainerFor({ dockerId: expected.dockerId ?? "" })).toStrictEqual(expected);
    expect(await trackedContainerFor({ berthId: "nope" })).toBeNull();

    const scope = await expectedScopeFor(expected.tenant, { id: c.id, imageRef: SHELL });
    const port = await db.portAllocation.findFirstOrThrow({ where: { containerId: c.id } });
    expect(scope).toMatchObject({
      hostIp: port.hostIp,
      maxMemoryMb: 32,
      maxCpuMillis: 100,
      allowWritableRootfs: !expected.readOnlyRootfs,
      requireHealthcheck: false, // the shell image has none
      ownedVolumeNames: [],
      allowedImageRefs: [SHELL],
    });
    expect((await expectedScopeFor(expected.tenant, { id: c.id, imageRef: "berth/static-web:1" })).requireHealthcheck).toBe(true);
    expect((await expectedScopeFor(expected.tenant, { id: c.id, imageRef: "not/in-the-catalog:1" })).requireHealthcheck).toBeUndefined();
  });

  it("one event that fails leaves it following events; a pass after it makes the rows live again", async () => {
    const c = await launchContainer(tenant.owner, tenant.id, { name: "hiccup", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    await reconciler.settle();
    // The database refuses the event's write once (as a busy database or a row deleted under it would).
    const refused = vi.spyOn(db, "$transaction").mockRejectedValueOnce(new Error("database is busy"));
    try {
      execFileSync("docker", ["kill", await dockerIdOf(c.id)]);
      await eventually(
        async () => refused.mock.calls.length,
        (calls) => calls > 0,
      );
      await reconciler.settle();
      expect(reconciler.snapshot()).toMatchObject({ connected: true, lastError: "database is busy" });
    } finally {
      refused.mockRestore();
    }
    // The pass that follows a failed event brings the row in line and clears the error.
    const row = await eventually(
      () => db.container.findUniqueOrThrow({ where: { id: c.id } }),
      (r) => r.status === "exited",
    );
    expect(row.exitCode).toBe(137);
    await eventually(
      async () => reconciler.rowsAreLive(),
      (live) => live,
    );
    expect(reconciler.snapshot()).toMatchObject({ connected: true, lastError: null });
    expect(await eventsOf(c.id, "container.died")).toHaveLength(1);
  });

  it("passes again while it follows events, so the count and the orphans it reports are current", async () => {
    const frequent = new Reconciler({ resyncMs: 300 });
    // Leading needs the lease: borrow it from the file's reconciler for a moment.
    await reconciler.stop();
    try {
      frequent.start();
      const first = await frequent.waitForPass(0);
      await launchContainer(tenant.owner, tenant.id, { name: "counted", image: SHELL, memoryMb: 32, cpuMillis: 100 });
      const later = await frequent.waitForPass(Date.now(), 5_000);
      expect(later.checked).toBe(first.checked + 1);
      expect(later.checked).toBe(await db.container.count());
      expect(frequent.snapshot()).toMatchObject({ connected: true });
    } finally {
      await frequent.stop();
      reconciler = new Reconciler({ staleCreatingMs: 60_000 });
      reconciler.start();
      await reconciler.waitForPass(0);
    }
  });
});

describe("lists while the reconciler follows the engine", () => {
  it("are served from the rows it keeps, without asking the engine", async () => {
    const globals = globalThis as unknown as { berthReconciler?: Reconciler };
    const c = await launchContainer(tenant.owner, tenant.id, { name: "listed", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    // Once the reconciler has handled the container's start event it has nothing more to do
    // for it, so a row state the engine would contradict shows which source the list used.
    await eventually(
      () => db.container.findUniqueOrThrow({ where: { id: c.id } }),
      (r) => r.stateChangedAt !== null,
    );
    await reconciler.settle();
    await db.container.update({ where: { id: c.id }, data: { status: "restarting" } });
    expect((await listContainers(tenant.owner, tenant.id)).find((x) => x.id === c.id)?.status).toBe("running");
    globals.berthReconciler = reconciler;
    try {
      expect(reconciler.rowsAreLive()).toBe(true);
      expect((await listContainers(tenant.owner, tenant.id)).find((x) => x.id === c.id)?.status).toBe("restarting");
    } finally {
      globals.berthReconciler = undefined;
      await db.container.update({ where: { id: c.id }, data: { status: "running" } });
    }
  });
});

describe("full reconciliation on start", () => {
  it("cleans up a launch that was interrupted between create and start", async () => {
    // What a crash leaves: a `creating` row and a created, never-started container with its labels.
    const row = await db.container.create({
      data: {
        tenantId: tenant.id,
        name: "halfway",
        imageRef: SHELL,
        status: "creating",
        memoryMb: 32,
        cpuMillis: 100,
        readOnlyRootfs: true,
        restart: "no",
        createdAt: new Date(Date.now() - 120_000),
      },
    });
    await db.portAllocation.create({ data: { hostIp: "127.0.0.1", hostPort: 65000, protocol: "tcp", containerPort: 80, containerId: row.id } });
    const created = await docker().createContainer({
      Image: SHELL,
      Cmd: ["true"],
      Labels: { [LABEL.managed]: "true", [LABEL.tenant]: tenant.id, [LABEL.id]: row.id, ...testLabels() },
    });
    await reconcileAll({ staleCreatingMs: 60_000 });
    expect(await db.container.findUnique({ where: { id: row.id } })).toBeNull();
    expect(await db.portAllocation.count({ where: { containerId: row.id } })).toBe(0);
    expect(await inspectWorkload(tenant.id, created.id)).toBeNull();
    expect(await eventsOf(row.id, "container.cleanup")).toHaveLength(1);
  });

  it("never touches unmanaged containers, nor shows them to tenants", async () => {
    const plain = await docker().createContainer({ Image: SHELL, Cmd: ["sleep", "30"], Labels: testLabels() });
    try {
      await reconcileAll({ staleCreatingMs: 0 });
      expect((await plain.inspect()).Id).toBe(plain.id);
      expect(await inspectWorkload(tenant.id, plain.id)).toBeNull();
      expect((await listContainers(tenant.owner, tenant.id)).map((c) => c.id)).not.toContain(plain.id);
    } finally {
      await plain.remove({ force: true });
    }
  });

  it("only one of two reconcilers leads", async () => {
    const name = `lease-test-${Date.now()}`;
    expect(await tryLease(name, "a", 10_000)).toBe(true);
    expect(await tryLease(name, "b", 10_000)).toBe(false);
    expect(await tryLease(name, "a", 10_000)).toBe(true);
    // An expired lease can be taken over.
    expect(await tryLease(name, "b", 10_000, new Date(Date.now() + 20_000))).toBe(true);
    const second = new Reconciler();
    second.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(second.snapshot().leading).toBe(false);
    expect(reconciler.snapshot().leading).toBe(true);
    await second.stop();
  });
});
