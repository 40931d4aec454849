import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { managerDocker, nodeDocker } from "@/lib/docker/client";
import { verifyWorkload } from "@/lib/docker/workloads";
import { expectedScopeFor } from "@/lib/launch-scope";
import { formatViolation } from "@/lib/policy";
import { refreshNodePosture } from "@/lib/docker/nodes";
import { listSwarmNodes } from "@/lib/docker/swarm-tasks";
import { Reconciler } from "@/lib/reconciler/reconciler";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { removeContainer } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";
import { activateNode, drainNode } from "@/lib/services/nodes";
import { listVolumeFiles } from "@/lib/services/volume-files";
import { makeActor } from "../integration/fixtures";
import { cleanUpTenant, tenantWithOwner, type TestTenant } from "../integration/tenancy";
import { execOnNode, expectVerified, liveOf, rowOf, sleeper, waitFor } from "./swarm-support";

/*
 * The reconciler on Swarm: it follows the manager's service and node events and every
 * node's container events, and re-reads everything when a node's stream comes back.
 */

let tenant: TestTenant;
let reconciler: Reconciler;

beforeAll(async () => {
  await seedStarterCatalog();
  await refreshNodePosture();
  tenant = await tenantWithOwner("swr");
  reconciler = new Reconciler({ staleCreatingMs: 60_000, initialBackoffMs: 200 });
  reconciler.start();
  await reconciler.waitForPass(0);
});
// Each test starts from an empty tenant (its container quota is small).
afterEach(async () => {
  for (const c of await db.container.findMany({ where: { tenantId: tenant.id } })) await removeContainer(tenant.owner, c.id).catch(() => undefined);
});
afterAll(async () => {
  await reconciler.stop();
  await cleanUpTenant(tenant);
});

describe("the reconciler on Swarm", () => {
  it("quarantines a service changed with `docker service update` behind Berth's back, within seconds", async () => {
    const c = await launchContainer(tenant.owner, tenant.id, sleeper("tampered"));
    await expectVerified(c.id);
    const { dockerId } = await rowOf(c.id);
    const started = Date.now();
    execFileSync(
      "docker",
      ["--host", process.env.BERTH_SWARM_MANAGER ?? "", "service", "update", "--detach", "--cap-add", "SYS_ADMIN", dockerId ?? ""],
      {
        stdio: "pipe",
      },
    );
    const row = await waitFor(
      "the quarantine",
      () => rowOf(c.id),
      (r) => r.status === "quarantined",
      20_000,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(row.quarantineReason).toMatch(/TaskTemplate\.ContainerSpec\.CapAdd\[0\]: capability "CAP_SYS_ADMIN" is not allowed/);
    // Quarantine scales the service to 0: the tampered task does not keep running.
    const service = await managerDocker()
      .getService(dockerId ?? "")
      .inspect();
    expect(service.Spec?.Mode?.Replicated?.Replicas).toBe(0);
    const activity = await db.activityEvent.findFirst({ where: { tenantId: tenant.id, action: "container.quarantine" } });
    expect(activity?.reason).toMatch(/CAP_SYS_ADMIN/);
  });

  it("a task that dies shows as exited within seconds, with its exit code", async () => {
    const c = await launchContainer(tenant.owner, tenant.id, sleeper("dies", { restart: "no" }));
    killOnNode(await liveOf(c.id));
    const row = await waitFor(
      "the death",
      () => rowOf(c.id),
      (r) => r.status === "exited",
      15_000,
    );
    expect(row.exitCode).toBe(137);
  });

  it("a task killed while it is being verified is not taken for a violation: its probe finds no process", async () => {
    const c = await launchContainer(tenant.owner, tenant.id, sleeper("killed-mid-check", { restart: "no" }));
    const row = await db.container.findUniqueOrThrow({ where: { id: c.id }, include: { tenant: true } });
    // Read while it runs, as the verifier reads it before it probes, and killed before the probe.
    const live = await liveOf(c.id);
    expect(live.berthSwarm.container?.State.Running).toBe(true);
    killOnNode(live);
    const node = nodeDocker(live.berthSwarm.nodeId ?? "");
    await waitFor(
      "the kill",
      () => node.getContainer(live.berthSwarm.container?.Id ?? "").inspect(),
      (info) => !info.State.Running,
      10_000,
    );
    const scope = await expectedScopeFor(row.tenant, { id: row.id, imageRef: row.imageRef });
    expect((await verifyWorkload(live, scope, { strict: false })).map(formatViolation)).toEqual([]);
    expect((await verifyWorkload(live, scope)).map(formatViolation)).toEqual([]);
  });

  it("a volume-mounting service stays on its volume's node, and so does a second one mounting it", async () => {
    const first = await launchContainer(tenant.owner, tenant.id, sleeper("vol1", { volumes: [{ volume: "data", path: "/data", create: true }] }));
    await expectVerified(first.id);
    const a = await liveOf(first.id);
    const constraints = (a.berthSwarm.service.Spec.TaskTemplate as { Placement?: { Constraints?: string[] } }).Placement?.Constraints ?? [];
    expect(constraints).toContain(`node.id==${a.berthSwarm.nodeId}`);
    for (let i = 0; i < 3; i++) {
      const c = await launchContainer(tenant.owner, tenant.id, sleeper(`vol-more${i}`, { volumes: [{ volume: "data", path: "/data" }] }));
      expect((await liveOf(c.id)).berthSwarm.nodeId).toBe(a.berthSwarm.nodeId);
    }
    // The tenant writes to its volume (owned by its uid on that node), and Berth's file
    // list, run on the volume's node, shows what it wrote.
    const wrote = await execOnNode(a.berthSwarm.nodeId ?? "", a.berthSwarm.container?.Id ?? "", ["sh", "-c", "echo hi > /data/hello.txt"], "");
    expect(wrote.exitCode).toBe(0);
    const volume = await db.volume.findFirstOrThrow({ where: { tenantId: tenant.id, name: "data" } });
    const files = await listVolumeFiles(tenant.owner, volume.id);
    expect(files.items.map((f) => f.path)).toContain("hello.txt");
  });

  it("draining a node moves its tasks, and Berth shows every moved container on its new node within seconds", async () => {
    const worker = (await listSwarmNodes()).find((n) => nodeIndex(n.id) !== 1 && n.eligible);
    const onWorker: string[] = [];
    for (let i = 0; i < 6 && onWorker.length < 2; i++) {
      const c = await launchContainer(tenant.owner, tenant.id, sleeper(`mover${i}`, { restart: "on-failure" }));
      if ((await liveOf(c.id)).berthSwarm.nodeId === worker?.id) onWorker.push(c.id);
    }
    expect(onWorker.length, "some containers run on the worker").toBeGreaterThan(0);
    await waitFor(
      "the rows know their node",
      () => Promise.all(onWorker.map(rowOf)),
      (rows) => rows.every((r) => r.node === worker?.hostname),
      10_000,
    );
    const admin = await makeActor("admin");
    const t0 = Date.now();
    await drainNode(admin, worker?.id ?? "");
    try {
      const rows = await waitFor(
        "every moved container shown on its new node",
        () => Promise.all(onWorker.map(rowOf)),
        (rs) => rs.every((r) => r.status === "running" && r.node !== null && r.node !== worker?.hostname),
        60_000,
      );
      console.log(`[swarm] drain: ${rows.length} container(s) shown on their new node after ${Date.now() - t0} ms`);
      for (const id of onWorker) await expectVerified(id);
    } finally {
      await activateNode(admin, worker?.id ?? "");
    }
  });

  it("killing a node's daemon marks its containers, and they recover when it returns", async () => {
    const nodes = await listSwarmNodes();
    const worker = nodes.find((n) => nodeIndex(n.id) !== 1 && n.eligible);
    expect(worker, "a worker node").toBeDefined();
    // A container pinned to the worker by its volume cannot move while the worker is down.
    let pinned = null;
    for (let i = 0; i < 4 && !pinned; i++) {
      const c = await launchContainer(
        tenant.owner,
        tenant.id,
        sleeper(`pinned${i}`, { restart: "on-failure", volumes: [{ volume: `pin${i}`, path: "/data", create: true }] }),
      );
      if ((await liveOf(c.id)).berthSwarm.nodeId === worker?.id) pinned = c;
    }
    expect(pinned, "a container on the worker").not.toBeNull();
    const id = pinned?.id ?? "";
    await waitFor(
      "the row knows its node",
      () => rowOf(id),
      (r) => r.node === worker?.hostname,
      10_000,
    );
    const index = nodeIndex(worker?.id ?? "");
    const dir = `${process.env.BERTH_SWARM_DIR}/node${index}`;
    const pid = Number(readFileSync(`${dir}/docker.pid`, "utf8").trim());
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    const t0 = Date.now();
    process.kill(pid, "SIGKILL");
    try {
      const marked = await waitFor(
        "the container marked",
        () => rowOf(id),
        (r) => r.status !== "running",
        60_000,
      );
      console.log(`[swarm] daemon killed: the row said ${marked.status} after ${Date.now() - t0} ms`);
      // Swarm re-places an on-failure task; pinned to the dead node by its volume, it waits.
      expect(["restarting", "dead"]).toContain(marked.status);
    } finally {
      restartNode(index, argv.slice(argv.indexOf("dockerd") + 1));
    }
    const t1 = Date.now();
    const back = await waitFor(
      "the container running again",
      () => rowOf(id),
      (r) => r.status === "running",
      120_000,
    ).catch(async (error: unknown) => {
      const live = await liveOf(id).catch((e: unknown) => String(e));
      const summary =
        typeof live === "string"
          ? live
          : { state: live.State, task: live.berthSwarm.task, node: live.berthSwarm.node, hasContainer: live.berthSwarm.container !== null };
      console.log("[swarm] diagnostics", JSON.stringify(summary), JSON.stringify(reconciler.snapshot()), JSON.stringify(await rowOf(id)));
      throw error;
    });
    console.log(`[swarm] daemon restarted: the row said running again after ${Date.now() - t1} ms`);
    expect(back.node).toBe(worker?.hostname);
    await expectVerified(id);
  }, 240_000);
});

/** Node i of the local Swarm, from its engine endpoint in BERTH_SWARM_NODES. */
/** SIGKILL to the task's container, sent through its own node's engine (behind Berth's back). */
function killOnNode(live: Awaited<ReturnType<typeof liveOf>>): void {
  const socket = `unix://${process.env.BERTH_SWARM_DIR}/node${nodeIndex(live.berthSwarm.nodeId ?? "")}/docker.sock`;
  execFileSync("docker", ["--host", socket, "kill", "-s", "KILL", live.berthSwarm.container?.Id ?? ""], { stdio: "pipe" });
}

function nodeIndex(nodeId: string): number {
  const nodes = JSON.parse(process.env.BERTH_SWARM_NODES ?? "{}") as Record<string, string>;
  const m = /\/node(\d+)\/docker\.sock$/.exec(nodes[nodeId] ?? "");
  return m ? Number(m[1]) : 0;
}

/** Starts node i's daemon again the way scripts/swarm.sh does (its own netns and host name). */
function restartNode(index: number, args: string[]): void {
  const ns = `${args.length ? /berth-swarm\d*/.exec(process.env.BERTH_SWARM_DIR ?? "")?.[0] : ""}-${index}`;
  execFileSync(
    "bash",
    [
      "-c",
      `setsid nsenter --net=/var/run/netns/${ns} unshare --uts sh -c 'hostname "$0" && exec dockerd "$@"' ${ns} "$@" </dev/null >>"${process.env.BERTH_SWARM_DIR}/node${index}/dockerd.log" 2>&1 &`,
      "restart",
      ...args,
    ],
    { stdio: "pipe" },
  );
}
