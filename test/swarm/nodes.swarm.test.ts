import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { managerDocker, nodeDocker } from "@/lib/docker/client";
import { swarmConfig } from "@/lib/docker/engine-config";
import { LABEL, testLabels } from "@/lib/docker/labels";
import { ELIGIBLE_CONSTRAINT, ELIGIBLE_LABEL, listEngineNodes, refreshNodePosture, type EngineNode } from "@/lib/docker/nodes";
import { activateNode, drainNode, listNodes } from "@/lib/services/nodes";
import { makeActor, uniq } from "../integration/fixtures";

/*
 * Node posture and drain on the local Swarm (scripts/swarm.sh; the test stage starts one node
 * without the --no-new-privileges default: BERTH_SWARM_WEAK_NODES). The services here are plain
 * hardened service specs built by hand, so these tests stand apart from the workload backend;
 * the backend's own tests launch through Berth.
 */
type ServiceSpec = Parameters<ReturnType<typeof managerDocker>["createService"]>[1];

const TENANT_UID = "10001:10001";

function hardenedService(name: string, mode: ServiceSpec["Mode"], preferences = false): ServiceSpec {
  const labels = { [LABEL.managed]: "true", [LABEL.role]: "swarm-test", ...testLabels() };
  return {
    Name: name,
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: "berth/static-web:1",
        Command: ["httpd", "-f", "-p", "8080", "-h", "/www"],
        User: TENANT_UID,
        CapabilityDrop: ["ALL"],
        ReadOnly: true,
        Init: true,
        Labels: labels,
        Mounts: [{ Type: "tmpfs", Source: "", Target: "/tmp", TmpfsOptions: { SizeBytes: 16 * 2 ** 20, Mode: 0o1777 } }],
      },
      Resources: { Limits: { MemoryBytes: 32 * 2 ** 20, NanoCPUs: 200_000_000, Pids: 64 } },
      RestartPolicy: { Condition: "on-failure", MaxAttempts: 5 },
      Placement: {
        Constraints: [ELIGIBLE_CONSTRAINT],
        ...(preferences ? { Preferences: [{ Spread: { SpreadDescriptor: "node.id" } }] } : {}),
      },
      LogDriver: { Name: "json-file", Options: { "max-size": "1m", "max-file": "1" } },
    },
    Mode: mode,
    // No IPVS on these machines: a virtual IP would never answer (environment-facts.md).
    EndpointSpec: { Mode: "dnsrr" },
  };
}

interface TaskInfo {
  ID: string;
  NodeID?: string;
  Status?: { State?: string; ContainerStatus?: { ContainerID?: string } };
}

async function runningTasks(serviceId: string): Promise<TaskInfo[]> {
  const tasks = (await managerDocker().listTasks({ filters: { service: [serviceId], "desired-state": ["running"] } })) as TaskInfo[];
  return tasks.filter((t) => t.Status?.State === "running");
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

const services: string[] = [];
async function createService(spec: ServiceSpec): Promise<string> {
  const { id } = await managerDocker().createService(spec);
  services.push(id);
  return id;
}

let admin: Actor;
let operator: Actor;
let member: Actor;
let nodes: EngineNode[];
let eligible: EngineNode[];
let weak: EngineNode[];

beforeAll(async () => {
  [admin, operator, member] = await Promise.all([makeActor("admin"), makeActor("operator"), makeActor("member")]);
  await refreshNodePosture();
  nodes = await listEngineNodes();
  eligible = nodes.filter((n) => n.posture.ok && n.state === "ready");
  weak = nodes.filter((n) => !n.posture.ok);
});

afterAll(async () => {
  for (const node of nodes ?? []) {
    if (node.availability === "active") await activateNode(admin, node.id).catch(() => undefined);
  }
  await Promise.all(
    services.map((id) =>
      managerDocker()
        .getService(id)
        .remove()
        .catch(() => undefined),
    ),
  );
});

describe("node posture (hardening S1)", () => {
  it("is read from every node through its own engine, and sets the eligibility label to match", async () => {
    expect(nodes.length).toBe(Object.keys(swarmConfig().nodes).length);
    expect(new Set(nodes.map((n) => n.hostname)).size, "nodes have host names of their own").toBe(nodes.length);
    expect(eligible.length, "two nodes with every default, for tasks to land on both").toBeGreaterThanOrEqual(2);
    expect(weak.length, "the Swarm stage starts one node without --no-new-privileges (BERTH_SWARM_WEAK_NODES)").toBeGreaterThanOrEqual(1);
    for (const node of eligible) {
      expect(node.posture).toMatchObject({ noNewPrivileges: true, ok: true, problems: [] });
    }
    for (const node of weak) {
      expect(node.posture.noNewPrivileges).toBe(false);
      expect(node.posture.problems).toEqual([expect.stringMatching(/does not default to no-new-privileges/)]);
    }
    for (const node of nodes) {
      const spec = ((await managerDocker().getNode(node.id).inspect()) as { Spec: { Labels?: Record<string, string> } }).Spec;
      expect(spec.Labels?.[ELIGIBLE_LABEL], node.hostname).toBe(String(node.posture.ok));
      // The probe is always removed.
      const probes = await nodeDocker(node.id).listContainers({ all: true, filters: { label: [`${LABEL.role}=posture-probe`] } });
      expect(probes).toEqual([]);
    }
  });

  it("a node that fails posture gets no tenant task; every eligible node gets one", async () => {
    const id = await createService(hardenedService(uniq("berth-posture"), { Global: {} }));
    const tasks = await waitFor(
      "global service tasks",
      () => runningTasks(id),
      (t) => t.length === eligible.length,
    );
    expect(new Set(tasks.map((t) => t.NodeID))).toEqual(new Set(eligible.map((n) => n.id)));
    // The tasks' containers, through each one's own node engine: the tenant uid, no
    // capabilities, and no-new-privileges from the node's default.
    for (const task of tasks) {
      const engine = nodeDocker(task.NodeID!);
      const container = engine.getContainer(task.Status!.ContainerStatus!.ContainerID!);
      const inspect = await container.inspect();
      expect(inspect.Config.User).toBe(TENANT_UID);
      expect(inspect.HostConfig.CapDrop).toEqual(["ALL"]);
      const exec = await container.exec({ Cmd: ["cat", "/proc/self/status"], AttachStdout: true, Tty: true, User: TENANT_UID });
      const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
      const status = await new Promise<string>((resolve) => {
        let out = "";
        stream.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
        stream.on("end", () => resolve(out));
      });
      expect(status).toMatch(/^NoNewPrivs:\s*1\s*$/m);
      expect(status).toMatch(/^CapEff:\s*0+\s*$/m);
    }
    // Nothing is pending for the weak node either: it simply does not match the constraint.
    const all = (await managerDocker().listTasks({ filters: { service: [id] } })) as TaskInfo[];
    expect(all.filter((t) => weak.some((w) => w.id === t.NodeID))).toEqual([]);
  });

  it("GET /api/v1/nodes answers admins and operators, and refuses members", async () => {
    const forAdmin = await listNodes(admin);
    expect(forAdmin.map((n) => n.id).sort()).toEqual(nodes.map((n) => n.id).sort());
    expect(forAdmin.find((n) => n.role === "manager")).toBeDefined();
    expect((await listNodes(operator)).length).toBe(nodes.length);
    await expect(listNodes(member)).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("drain", () => {
  it("moves a node's tasks to the other eligible nodes, is recorded, and activate takes tasks again", async () => {
    const id = await createService(hardenedService(uniq("berth-drain"), { Replicated: { Replicas: eligible.length } }, true));
    const placed = await waitFor(
      "one replica on each eligible node",
      () => runningTasks(id),
      (t) => new Set(t.map((x) => x.NodeID)).size === eligible.length,
    );
    // Drain a worker when there is one (the manager keeps its role either way).
    const drained = eligible.find((n) => n.role === "worker") ?? eligible[0];
    expect(placed.some((t) => t.NodeID === drained.id)).toBe(true);

    const started = performance.now();
    const after = await drainNode(admin, drained.id);
    expect(after).toMatchObject({ id: drained.id, availability: "drain" });
    const moved = await waitFor(
      "every replica off the drained node",
      () => runningTasks(id),
      (t) => t.length === eligible.length && t.every((x) => x.NodeID !== drained.id),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`[swarm] drain of ${drained.hostname}: ${eligible.length} replicas running elsewhere after ${seconds.toFixed(1)} s`);
    expect(moved.every((t) => eligible.some((n) => n.id === t.NodeID))).toBe(true);

    const listed = await waitFor(
      "the node list after the drain",
      () => listEngineNodes(),
      (list) => list.find((n) => n.id === drained.id)?.containers === 0,
    );
    expect(listed.find((n) => n.id === drained.id)).toMatchObject({ availability: "drain", containers: 0 });

    const event = await db.activityEvent.findFirst({
      where: { action: "node.drain", target: `node:${drained.id}`, outcome: "allowed", actorId: admin.userId },
      orderBy: { seq: "desc" },
    });
    expect(event).not.toBeNull();
    expect(JSON.parse(event!.details ?? "{}")).toMatchObject({ hostname: drained.hostname, before: "active", after: "drain" });

    // Members and operators cannot drain; the refusal is recorded (refusals.int.test.ts covers the member).
    await expect(drainNode(operator, drained.id)).rejects.toMatchObject({ code: "forbidden" });

    expect(await activateNode(admin, drained.id)).toMatchObject({ availability: "active" });
    expect(
      await db.activityEvent.count({ where: { action: "node.activate", target: `node:${drained.id}`, outcome: "allowed" } }),
    ).toBeGreaterThanOrEqual(1);
    // A reactivated node takes tasks again: scale up by one and it gets one.
    const spec = (await managerDocker().getService(id).inspect()) as { Version: { Index: number }; Spec: ServiceSpec };
    await managerDocker()
      .getService(id)
      .update({ version: spec.Version.Index, ...spec.Spec, Mode: { Replicated: { Replicas: eligible.length + 1 } } });
    await waitFor(
      "a replica back on the reactivated node",
      () => runningTasks(id),
      (t) => t.some((x) => x.NodeID === drained.id),
    );
  });

  it("refuses an unknown node", async () => {
    await expect(drainNode(admin, "nosuchnode0000000000000000")).rejects.toMatchObject({ code: "not_found" });
  });
});
