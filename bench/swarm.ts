/**
 * Item 9, the Swarm backend, on a local Swarm of its own (scripts/bench.sh brings one up with
 * scripts/swarm.sh and passes its env file's settings):
 *  a) a launch through Berth (the API's path in-process: the Bearer check, the launch service
 *     with its assertion, reservation, service create, the wait for the task and both halves
 *     of the verification) against the same service spec created directly on the manager and
 *     waited for the same way (its task running, polled every 200 ms as the gateway does),
 *     alternating;
 *  b) the time from `docker node update --availability drain` (Berth's drainNode) to Berth
 *     showing every moved container running on its new node, with the reconciler running in
 *     this process as it runs in the portal.
 * Usage: BERTH_ENGINE=swarm … DATABASE_URL=file:… npx tsx --conditions=react-server bench/swarm.ts
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { generateApiToken, hashApiToken } from "@/lib/auth/api-token";
import { actorFromBearer } from "@/lib/auth/bearer";
import { db } from "@/lib/db";
import { managerDocker } from "@/lib/docker/client";
import { refreshNodePosture } from "@/lib/docker/nodes";
import { listSwarmNodes, tasksOf } from "@/lib/docker/swarm-tasks";
import { Reconciler } from "@/lib/reconciler/reconciler";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { removeContainer } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";
import { activateNode, drainNode } from "@/lib/services/nodes";
import { summarize } from "./stats";

const runs = Number(process.env.BENCH_SWARM_RUNS ?? 15);
const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (s: string) => console.log(`\x1b[1m[bench]\x1b[0m ${s}`);
const round = (n: number) => Math.round(n * 10) / 10;

async function actorWith(role: "admin" | "member", tenantId?: string) {
  const suffix = randomBytes(3).toString("hex");
  const user = await db.user.create({
    data: {
      email: `swarm-${role}-${suffix}@bench.berth`,
      passwordHash: "x",
      role,
      ...(tenantId ? { memberships: { create: [{ tenantId, role: "owner" }] } } : {}),
    },
  });
  const token = generateApiToken();
  await db.apiToken.create({
    data: { userId: user.id, name: "bench", tokenHash: hashApiToken(token), expiresAt: new Date(Date.now() + 86_400_000) },
  });
  return actorFromBearer(new Headers({ authorization: `Bearer ${token}`, "x-forwarded-for": "127.0.0.1" }));
}

const request = (name: string) => ({ name, image: "berth/shell:1", command: ["sleep", "3600"], memoryMb: 32, cpuMillis: 100, restart: "on-failure" });

/** The raw side: Berth's own spec, renamed, created on the manager; returns once its task runs. */
async function rawLaunch(spec: Record<string, unknown>, name: string): Promise<{ ms: number; id: string }> {
  const body = { ...spec, Name: name };
  const t = now();
  const { id } = (await managerDocker().createService(body as never)) as { id: string };
  for (;;) {
    const task = (await tasksOf(id)).find((x) => x.DesiredState === "running");
    if (task?.Status.State === "running") return { ms: now() - t, id };
    if (now() - t > 60_000) throw new Error(`the raw service ${name} did not start within 60 s`);
    await sleep(200);
  }
}

async function main() {
  await seedStarterCatalog();
  await refreshNodePosture();
  const eligible = (await listSwarmNodes()).filter((n) => n.eligible && n.state === "ready");
  log(`9. Swarm: ${eligible.length} eligible node(s); ${runs} launches per side, alternating`);
  const tenant = await db.tenant.create({
    data: {
      name: "Swarm bench",
      slug: `swb-${randomBytes(3).toString("hex")}`,
      uid: 20000 + Math.floor(Math.random() * 10000),
      maxContainers: 100,
      maxMemoryMb: 100_000,
      maxCpuMillis: 100_000,
    },
  });
  const owner = await actorWith("member", tenant.id);
  const admin = await actorWith("admin");
  const berth: number[] = [];
  const raw: number[] = [];
  const rawIds: string[] = [];
  let reconciler: Reconciler | undefined;
  try {
    // One launch first: the tenant's overlay network, and the spec the raw side copies.
    const first = await launchContainer(owner, tenant.id, request("warm"));
    const firstRow = await db.container.findUniqueOrThrow({ where: { id: first.id } });
    const spec = (
      await managerDocker()
        .getService(firstRow.dockerId ?? "")
        .inspect()
    ).Spec as Record<string, unknown>;
    for (let i = 0; i < runs; i++) {
      const t = now();
      const c = await launchContainer(owner, tenant.id, request(`b${i}`));
      berth.push(now() - t);
      const r = await rawLaunch(spec, `berth-bench-raw-${tenant.slug}-${i}`);
      raw.push(r.ms);
      rawIds.push(r.id);
      await removeContainer(owner, c.id);
      await managerDocker().getService(r.id).remove();
      rawIds.pop();
    }
    await removeContainer(owner, first.id);
    const b = summarize(berth);
    const w = summarize(raw);
    log(
      `   launch through Berth ${round(b.median)} / ${round(b.p95)} ms · same spec on the manager ${round(w.median)} / ${round(w.p95)} ms · ratio ${round((b.median / w.median) * 100) / 100}`,
    );

    // b) Drain: containers spread over the nodes, then the worker that holds some is drained.
    reconciler = new Reconciler({ staleCreatingMs: 60_000, initialBackoffMs: 200 });
    reconciler.start();
    await reconciler.waitForPass(0);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await launchContainer(owner, tenant.id, request(`mover${i}`))).id);
    const deadlineRows = Date.now() + 20_000;
    let rows = await db.container.findMany({ where: { id: { in: ids } } });
    while (rows.some((r) => !r.node) && Date.now() < deadlineRows) {
      await sleep(200);
      rows = await db.container.findMany({ where: { id: { in: ids } } });
    }
    const manager = eligible.find((n) => n.hostname.endsWith("-1"));
    const counts = new Map<string, number>();
    for (const r of rows) if (r.node && r.node !== manager?.hostname) counts.set(r.node, (counts.get(r.node) ?? 0) + 1);
    const [busiest] = [...counts.entries()].sort((x, y) => y[1] - x[1]);
    const worker = eligible.find((n) => n.hostname === busiest?.[0]);
    if (!worker) throw new Error("no worker holds a container to drain");
    const moving = rows.filter((r) => r.node === worker.hostname).map((r) => r.id);
    const t0 = now();
    await drainNode(admin, worker.id);
    let drainMs = NaN;
    try {
      for (;;) {
        const moved = await db.container.findMany({ where: { id: { in: moving } } });
        if (moved.every((r) => r.status === "running" && r.node && r.node !== worker.hostname)) {
          drainMs = now() - t0;
          break;
        }
        if (now() - t0 > 120_000) throw new Error("the moved containers were not all shown on a new node within 120 s");
        await sleep(100);
      }
    } finally {
      await activateNode(admin, worker.id);
    }
    log(`   drain of ${worker.hostname}: ${moving.length} container(s) shown running on their new node after ${round(drainMs)} ms`);
    for (const id of ids) await removeContainer(owner, id);
    const out = process.env.BENCH_RESULTS_DIR;
    if (out) {
      writeFileSync(
        path.join(out, "swarm.json"),
        JSON.stringify(
          { nodes: eligible.length, launch: { berth: b, raw: w, ratio: b.median / w.median }, drain: { containers: moving.length, ms: drainMs } },
          null,
          2,
        ),
      );
    }
  } finally {
    await reconciler?.stop();
    for (const id of rawIds)
      await managerDocker()
        .getService(id)
        .remove()
        .catch(() => undefined);
  }
}

main()
  .then(() => process.exit(0))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
