import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { managerDocker } from "@/lib/docker/client";
import { refreshNodePosture } from "@/lib/docker/nodes";
import { reconcileAll } from "@/lib/reconciler/reconcile-all";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { changeContainerState, getContainer, removeContainer } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";
import { cleanUpTenant, tenantWithOwner, type TestTenant } from "../integration/tenancy";
import { execOnNode, expectVerified, liveOf, waitFor } from "./swarm-support";

/*
 * The workload backend on a local Swarm (scripts/swarm.sh): every launch goes through
 * Berth's services exactly as on one engine, and is checked through the engine of the node
 * its task landed on.
 */
const SHELL = "berth/shell:1";
const WEB = "berth/static-web:1";
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  await seedStarterCatalog();
  // Berth's posture check labels the nodes that may take tenant tasks (berth.eligible).
  await refreshNodePosture();
  a = await tenantWithOwner("swa");
  b = await tenantWithOwner("swb");
});
afterAll(async () => {
  await cleanUpTenant(a);
  await cleanUpTenant(b);
});

const sleeper = (name: string) => ({ name, image: SHELL, command: ["sleep", "3600"], memoryMb: 32, cpuMillis: 100 });

describe("launches on Swarm", () => {
  it("land on both eligible nodes; each task's container passes the verifier through its node's engine (id -u is the tenant uid, CapEff 0, NoNewPrivs 1)", async () => {
    const launched = [];
    for (const name of ["one", "two", "three", "four"]) launched.push(await launchContainer(a.owner, a.id, sleeper(name)));
    const nodes = new Set<string>();
    for (const c of launched) {
      expect(c.status).toBe("running");
      await expectVerified(c.id);
      const live = await liveOf(c.id);
      const nodeId = live.berthSwarm.nodeId ?? "";
      const containerId = live.berthSwarm.container?.Id ?? "";
      nodes.add(nodeId);
      // Through the node's engine, as the container's own user.
      const id = await execOnNode(nodeId, containerId, ["id", "-u"], "");
      expect(id.output.trim()).toBe(String(a.uid));
      const status = await execOnNode(nodeId, containerId, ["cat", "/proc/1/status"], `${a.uid}:${a.uid}`);
      expect(status.output).toMatch(/^CapEff:\s*0000000000000000$/m);
      expect(status.output).toMatch(/^NoNewPrivs:\s*1$/m);
      expect((await getContainer(a.owner, c.id)).node, "the container says which node it runs on").toBe(live.berthSwarm.node);
    }
    expect(nodes.size, "tasks were spread over both eligible nodes").toBeGreaterThanOrEqual(2);
    for (const c of launched.slice(2)) await removeContainer(a.owner, c.id);
  });

  it("stop, start and restart act on the service; state and exit code come from the task", async () => {
    const c = await launchContainer(a.owner, a.id, sleeper("cycle"));
    const dockerId = (await db.container.findUniqueOrThrow({ where: { id: c.id } })).dockerId;
    expect(
      (
        await managerDocker()
          .getService(dockerId ?? "")
          .inspect()
      ).Spec?.Name,
    ).toBe(`berth-${a.slug}_cycle`);
    const stopped = await changeContainerState(a.owner, c.id, "stop");
    expect(stopped.status).toBe("stopped");
    expect((await liveOf(c.id)).State.Running).toBe(false);
    const started = await changeContainerState(a.owner, c.id, "start");
    expect(started.status).toBe("running");
    await expectVerified(c.id);
    const before = (await liveOf(c.id)).berthSwarm.task?.ID;
    expect((await changeContainerState(a.owner, c.id, "restart")).status).toBe("running");
    const after = await waitFor(
      "a new task after the restart",
      () => liveOf(c.id),
      (i) => i.berthSwarm.task?.ID !== before && i.State.Running,
    );
    expect(after.berthSwarm.task?.ID).not.toBe(before);
    await expectVerified(c.id);

    // A task that ends by itself: its exit code is the task's.
    const quitter = await launchContainer(a.owner, a.id, { ...sleeper("quitter"), command: ["sh", "-c", "exit 3"], restart: "no" });
    await reconcileAll();
    const row = await waitFor(
      "the exit recorded",
      async () => {
        await reconcileAll();
        return db.container.findUniqueOrThrow({ where: { id: quitter.id } });
      },
      (r) => r.status === "exited",
    );
    expect(row.exitCode).toBe(3);
    await removeContainer(a.owner, quitter.id);
    await removeContainer(a.owner, c.id);
    expect(
      await managerDocker()
        .getService(dockerId ?? "")
        .inspect()
        .catch(() => null),
    ).toBeNull();
  });

  it("refuses a raw published port on Swarm, naming the field", async () => {
    await expect(
      launchContainer(a.owner, a.id, { ...sleeper("raw"), ports: [{ container: 8080, protocol: "tcp", expose: "port" }] }),
    ).rejects.toMatchObject({ code: "policy_violation", fields: [expect.objectContaining({ path: "ports[0].expose" })] });
    expect(await db.container.findFirst({ where: { tenantId: a.id, name: "raw" } })).toBeNull();
  });
});

describe("tenant overlays (S2)", () => {
  it("a tenant's services reach each other across nodes by name; another tenant's cannot reach them", async () => {
    const web = await launchContainer(a.owner, a.id, { name: "web", image: WEB, memoryMb: 32, cpuMillis: 100 });
    await expectVerified(web.id);
    const webLive = await liveOf(web.id);
    // A client of the same tenant on the other node (Swarm spreads; launch until one lands there).
    let client = null;
    for (let i = 0; i < 4 && !client; i++) {
      const c = await launchContainer(a.owner, a.id, sleeper(`client${i}`));
      if ((await liveOf(c.id)).berthSwarm.nodeId !== webLive.berthSwarm.nodeId) client = c;
    }
    expect(client, "a client landed on the other node").not.toBeNull();
    const clientLive = await liveOf(client?.id ?? "");
    const get = ["sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 web 8080 | head -1"];
    const reach = await execOnNode(clientLive.berthSwarm.nodeId ?? "", clientLive.berthSwarm.container?.Id ?? "", get, `${a.uid}:${a.uid}`);
    expect(reach.output).toMatch(/HTTP\/1\.[01] 200/);

    // Tenant B, on the client's node: neither the name nor the address of A's web answers.
    let other = null;
    for (let i = 0; i < 4 && !other; i++) {
      const c = await launchContainer(b.owner, b.id, sleeper(`other${i}`));
      if ((await liveOf(c.id)).berthSwarm.nodeId !== webLive.berthSwarm.nodeId) other = c;
    }
    expect(other, "tenant B has a task on the other node").not.toBeNull();
    const otherLive = await liveOf(other?.id ?? "");
    const webIp = Object.values(webLive.berthSwarm.container?.NetworkSettings.Networks ?? {})[0]?.IPAddress ?? "";
    expect(webIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const target of ["web", webIp]) {
      const tryIt = ["sh", "-c", `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${target} 8080 | head -1; echo done`];
      const r = await execOnNode(otherLive.berthSwarm.nodeId ?? "", otherLive.berthSwarm.container?.Id ?? "", tryIt, `${b.uid}:${b.uid}`);
      expect(r.output).not.toMatch(/HTTP/);
    }
  });
});
