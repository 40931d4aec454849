import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { execInWorkload } from "@/lib/docker/exec";
import { inspectWorkload } from "@/lib/docker/workloads";
import { ServiceError } from "@/lib/errors";
import {
  changeContainerState,
  containerLogs,
  containerStats,
  getContainer,
  getContainerDetail,
  listContainers,
  removeContainer,
} from "@/lib/services/containers";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { expectedScopeFor } from "@/lib/launch-scope";
import { Command } from "@/lib/services/command";
import { launchContainer, launchScopeFor, prepareLaunch, reserveLaunch } from "@/lib/services/launch-container";
import { createVolume, deleteVolume, listVolumes } from "@/lib/services/volumes";
import { codeOf, dockerObjectsOfRun, makeActor } from "./fixtures";
import { cleanUpTenant, expectHardened, tenantWithOwner, type TestTenant } from "./tenancy";

const WEB = "berth/static-web:1";
const SHELL = "berth/shell:1";

async function textOf(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

async function execAs(tenant: TestTenant, containerId: string, cmd: string[]) {
  const row = await db.container.findUniqueOrThrow({ where: { id: containerId } });
  return execInWorkload({ id: tenant.id, uid: tenant.uid }, row.dockerId ?? "", cmd);
}

let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  await seedStarterCatalog();
  [a, b] = [await tenantWithOwner("a"), await tenantWithOwner("b")];
});

afterAll(async () => {
  await cleanUpTenant(a);
  await cleanUpTenant(b);
});

describe("launching from the catalog (real daemon)", () => {
  it("runs the static web server hardened: tenant uid, no capabilities, its URL serves the page", async () => {
    const c = await launchContainer(a.owner, a.id, {
      name: "web",
      image: WEB,
      ports: [{ container: 8080, expose: "port" }],
      memoryMb: 64,
      cpuMillis: 250,
    });
    expect(c).toMatchObject({ tenantId: a.id, name: "web", image: WEB, status: "running", memoryMb: 64, cpuMillis: 250, createdBy: a.owner.email });
    expect(c.ports).toEqual([
      {
        container: 8080,
        protocol: "tcp",
        expose: "port",
        hostIp: "127.0.0.1",
        hostPort: expect.any(Number),
        url: `http://127.0.0.1:${c.ports[0].hostPort}`,
      },
    ]);
    await expectHardened(c.id);

    const id = await execAs(a, c.id, ["id", "-u"]);
    expect(id.output.trim()).toBe(String(a.uid));
    const status = await execAs(a, c.id, ["cat", "/proc/1/status"]);
    expect(status.output).toMatch(/CapEff:\s+0000000000000000/);
    const write = await execAs(a, c.id, ["sh", "-c", "touch /etc/x 2>&1; touch /tmp/ok && echo tmp-ok"]);
    expect(write.output).toMatch(/Read-only file system/);
    expect(write.output).toContain("tmp-ok");

    let body = "";
    for (let i = 0; i < 20 && !body.includes("Hello from Berth"); i++) {
      body = await fetch(c.ports[0].url)
        .then((r) => r.text())
        .catch(() => "");
      if (!body) await new Promise((r) => setTimeout(r, 250));
    }
    expect(body).toContain("Hello from Berth");

    const logs = await textOf(await containerLogs(a.owner, c.id, { tail: 50, timestamps: false, follow: false }));
    expect(logs).toMatch(/response:200/);
    const stats = await containerStats(a.owner, c.id);
    expect(stats.memoryLimitBytes).toBe(64 * 2 ** 20);
    expect(stats.pids).toBeGreaterThan(0);

    const detail = await getContainerDetail(a.owner, c.id);
    expect(detail.hardening).toMatchObject({
      user: `${a.uid}:${a.uid}`,
      capabilitiesDropped: ["ALL"],
      readOnlyRootfs: true,
      privileged: false,
      noNewPrivileges: true,
    });

    const events = await db.activityEvent.findMany({ where: { tenantId: a.id, action: "container.launch" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: "allowed", actorId: a.owner.userId, target: "container:web" });
  });

  it("stops, starts, restarts and removes, with live status and one event each", async () => {
    const c = await launchContainer(a.owner, a.id, { name: "cycle", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    expect((await changeContainerState(a.owner, c.id, "stop")).status).toBe("stopped");
    expect((await getContainer(a.owner, c.id)).status).toBe("stopped");
    expect((await changeContainerState(a.owner, c.id, "start")).status).toBe("running");
    await expectHardened(c.id);
    expect((await changeContainerState(a.owner, c.id, "restart")).status).toBe("running");
    const row = await db.container.findUniqueOrThrow({ where: { id: c.id } });
    await removeContainer(a.owner, c.id);
    expect(await inspectWorkload(a.id, row.dockerId ?? "")).toBeNull();
    expect(await db.container.findUnique({ where: { id: c.id } })).toBeNull();
    const actions = (await db.activityEvent.findMany({ where: { tenantId: a.id, target: "container:cycle" }, orderBy: { seq: "asc" } })).map(
      (e) => e.action,
    );
    expect(actions).toEqual(["container.launch", "container.stop", "container.start", "container.restart", "container.remove"]);
  });

  it("shows an exit code for a container that ended by itself", async () => {
    const c = await launchContainer(a.owner, a.id, { name: "oneshot", image: SHELL, command: ["sh", "-c", "exit 3"], memoryMb: 32, cpuMillis: 100 });
    let status = c.status;
    let exitCode: number | undefined;
    for (let i = 0; i < 40 && status !== "exited"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ({ status, exitCode } = await getContainer(a.owner, c.id));
    }
    expect({ status, exitCode }).toEqual({ status: "exited", exitCode: 3 });
    expect((await listContainers(a.owner, a.id)).find((x) => x.id === c.id)).toMatchObject({ status: "exited", exitCode: 3 });
    await removeContainer(a.owner, c.id);
  });
});

describe("refusals leave nothing behind and are recorded", () => {
  async function nothingLeft(name: string) {
    expect(await db.container.findFirst({ where: { tenantId: a.id, name } })).toBeNull();
    const labelled = (await listContainers(a.owner, a.id)).filter((c) => c.name === name);
    expect(labelled).toEqual([]);
  }

  it("rejects unknown fields (raw Docker options) with 400 naming the field, and records the denial", async () => {
    const error = await launchContainer(a.owner, a.id, {
      name: "evil",
      image: SHELL,
      memoryMb: 32,
      cpuMillis: 100,
      Privileged: true,
      HostConfig: { Binds: ["/:/host"] },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "validation_failed" });
    expect((error as ServiceError).fields?.map((f) => f.path)).toEqual(expect.arrayContaining(["Privileged", "HostConfig"]));
    await nothingLeft("evil");
    const denied = await db.activityEvent.findFirst({
      where: { tenantId: a.id, action: "container.launch", outcome: "denied" },
      orderBy: { seq: "desc" },
    });
    expect(denied?.reason).toMatch(/Privileged/);
  });

  it("refuses what the policy forbids with 422 and the field path", async () => {
    await expect(launchContainer(a.owner, a.id, { name: "big", image: SHELL, memoryMb: 60000, cpuMillis: 100 })).rejects.toMatchObject({
      code: "policy_violation",
      fields: [expect.objectContaining({ path: "memoryMb" })],
    });
    await expect(
      launchContainer(a.owner, a.id, { name: "rw", image: SHELL, memoryMb: 32, cpuMillis: 100, readOnlyRootfs: false }),
    ).rejects.toMatchObject({
      code: "policy_violation",
      fields: [expect.objectContaining({ path: "readOnlyRootfs" })],
    });
    await expect(
      launchContainer(a.owner, a.id, { name: "offcat", image: "docker.io/library/alpine:latest", memoryMb: 32, cpuMillis: 100 }),
    ).rejects.toMatchObject({
      code: "policy_violation",
      fields: [expect.objectContaining({ path: "image" })],
    });
    await expect(
      launchContainer(a.owner, a.id, { name: "procmount", image: SHELL, memoryMb: 32, cpuMillis: 100, volumes: [{ volume: "data", path: "/proc" }] }),
    ).rejects.toMatchObject({
      fields: [expect.objectContaining({ path: "volumes[0].path", message: expect.stringMatching(/kernel filesystem/) })],
    });
    await expect(
      launchContainer(a.owner, a.id, { name: "novol", image: SHELL, memoryMb: 32, cpuMillis: 100, volumes: [{ volume: "nope", path: "/data" }] }),
    ).rejects.toMatchObject({
      code: "policy_violation",
      fields: [expect.objectContaining({ path: "volumes[0].volume" })],
    });
    for (const name of ["big", "rw", "offcat", "procmount", "novol"]) await nothingLeft(name);
    expect(await db.portAllocation.count({ where: { container: { tenantId: a.id, status: "creating" } } })).toBe(0);
  });

  it("a container that cannot start is removed from the engine and frees its port", async () => {
    // Occupy the host port Berth will hand out next, so the engine's start fails on it.
    const taken = new Set((await db.portAllocation.findMany({ select: { hostPort: true } })).map((p) => p.hostPort));
    let next = config().portRange.from;
    while (taken.has(next)) next++;
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(next, "127.0.0.1", resolve));
    try {
      const before = await db.portAllocation.count();
      const error = await launchContainer(a.owner, a.id, {
        name: "broken",
        image: WEB,
        ports: [{ container: 8080, expose: "port" }],
        memoryMb: 32,
        cpuMillis: 100,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).message).toMatch(/^Starting the container failed\. A host port it needs is already in use/);
      await nothingLeft("broken");
      expect(await db.portAllocation.count()).toBe(before);
      const failed = await db.activityEvent.findFirst({ where: { tenantId: a.id, target: "container:broken" }, orderBy: { seq: "desc" } });
      expect(failed).toMatchObject({ outcome: "failed", reason: expect.stringMatching(/Starting the container failed/) });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("a duplicate name is a conflict on the name field", async () => {
    const c = await launchContainer(a.owner, a.id, { name: "twin", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    await expect(launchContainer(a.owner, a.id, { name: "twin", image: SHELL, memoryMb: 32, cpuMillis: 100 })).rejects.toMatchObject({
      code: "conflict",
      fields: [{ path: "name", message: "already in use in this tenant" }],
    });
    await removeContainer(a.owner, c.id);
  });

  it("concurrent launches never share a host port", async () => {
    const launches = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        launchContainer(a.owner, a.id, { name: `par-${i}`, image: WEB, ports: [{ container: 8080, expose: "port" }], memoryMb: 32, cpuMillis: 100 }),
      ),
    );
    const ports = launches.map((c) => c.ports[0].hostPort);
    expect(new Set(ports).size).toBe(5);
    for (const c of launches) {
      await expectHardened(c.id);
      await removeContainer(a.owner, c.id);
    }
  });
});

describe("tenant isolation", () => {
  it("another tenant's container is not_found for every action; operators read but cannot act", async () => {
    const c = await launchContainer(a.owner, a.id, { name: "private", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    const row = await db.container.findUniqueOrThrow({ where: { id: c.id } });
    const opts = { tail: 10, timestamps: false, follow: false };
    expect(await codeOf(getContainer(b.owner, c.id))).toBe("not_found");
    expect(await codeOf(getContainerDetail(b.owner, c.id))).toBe("not_found");
    expect(await codeOf(changeContainerState(b.owner, c.id, "stop"))).toBe("not_found");
    expect(await codeOf(removeContainer(b.owner, c.id))).toBe("not_found");
    expect(await codeOf(containerLogs(b.owner, c.id, opts))).toBe("not_found");
    expect(await codeOf(containerStats(b.owner, c.id))).toBe("not_found");
    expect(await codeOf(listContainers(b.owner, a.id))).toBe("not_found");
    expect(await codeOf(launchContainer(b.owner, a.id, { name: "x", image: SHELL, memoryMb: 32, cpuMillis: 100 }))).toBe("not_found");
    // The raw engine id is not a Berth id: no door accepts it.
    expect(await codeOf(getContainer(a.owner, row.dockerId ?? ""))).toBe("not_found");
    expect(await inspectWorkload(b.id, row.dockerId ?? "")).toBeNull();

    const operator = await makeActor("operator");
    expect((await listContainers(operator, a.id)).map((x) => x.id)).toContain(c.id);
    expect(await codeOf(changeContainerState(operator, c.id, "stop"))).toBe("forbidden");
    expect((await getContainer(a.owner, c.id)).status).toBe("running");
    await removeContainer(a.owner, c.id);
  });

  it("containers of one tenant reach each other by name; other tenants cannot reach them", async () => {
    const web = await launchContainer(a.owner, a.id, { name: "site", image: WEB, memoryMb: 32, cpuMillis: 100 });
    const probe = await launchContainer(a.owner, a.id, { name: "probe", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    const outsider = await launchContainer(b.owner, b.id, { name: "outsider", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    await expectHardened(outsider.id);
    const webRow = await db.container.findUniqueOrThrow({ where: { id: web.id } });
    const info = await inspectWorkload(a.id, webRow.dockerId ?? "");
    const ip = Object.values(info?.NetworkSettings.Networks ?? {})[0]?.IPAddress;
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const http = "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ";
    let inside = await execAs(a, probe.id, ["sh", "-c", `${http} site 8080`]);
    for (let i = 0; i < 10 && !inside.output.includes("Hello from Berth"); i++) {
      await new Promise((r) => setTimeout(r, 300));
      inside = await execAs(a, probe.id, ["sh", "-c", `${http} site 8080`]);
    }
    expect(inside.output).toContain("Hello from Berth");
    const across = await execAs(b, outsider.id, ["sh", "-c", `${http} ${ip} 8080; echo "exit=$?"`]);
    expect(across.output).not.toContain("Hello from Berth");
    const byName = await execAs(b, outsider.id, ["sh", "-c", `${http} site 8080; echo "exit=$?"`]);
    expect(byName.output).not.toContain("Hello from Berth");
    for (const [t, c] of [
      [a, web],
      [a, probe],
      [b, outsider],
    ] as const)
      await removeContainer(t.owner, c.id);
  });
});

describe("volumes", () => {
  it("a fresh volume is writable by the tenant's non-root user, cannot be deleted while mounted, and is invisible to others", async () => {
    const volume = await createVolume(a.owner, a.id, { name: "data" });
    expect(volume).toMatchObject({ tenantId: a.id, name: "data", inUseBy: [] });
    const c = await launchContainer(a.owner, a.id, {
      name: "writer",
      image: SHELL,
      memoryMb: 32,
      cpuMillis: 100,
      volumes: [{ volume: "data", path: "/data" }],
    });
    await expectHardened(c.id);
    const write = await execAs(a, c.id, ["sh", "-c", "echo hello > /data/file && cat /data/file && stat -c %u /data"]);
    expect(write.output).not.toMatch(/denied/);
    expect(write.exitCode).toBe(0);
    expect(write.output).toBe(`hello\n${a.uid}\n`);
    expect((await listVolumes(a.owner, a.id)).find((v) => v.id === volume.id)?.inUseBy).toEqual([c.id]);

    await expect(deleteVolume(a.owner, volume.id)).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/mounted by writer/) });
    expect(await codeOf(deleteVolume(b.owner, volume.id))).toBe("not_found");
    expect(await codeOf(listVolumes(b.owner, a.id))).toBe("not_found");
    // Tenant b cannot mount a's volume by name: names resolve inside the caller's tenant only.
    await expect(
      launchContainer(b.owner, b.id, { name: "thief", image: SHELL, memoryMb: 32, cpuMillis: 100, volumes: [{ volume: "data", path: "/data" }] }),
    ).rejects.toMatchObject({ code: "policy_violation" });

    await removeContainer(a.owner, c.id);
    await deleteVolume(a.owner, volume.id);
    expect(await listVolumes(a.owner, a.id)).toEqual([]);
  });

  it("a launch creates the volumes it marks create, records each, and removes them again when it fails", async () => {
    const request = { image: SHELL, memoryMb: 32, cpuMillis: 100 };
    const c = await launchContainer(a.owner, a.id, { ...request, name: "maker", volumes: [{ volume: "made", path: "/data", create: true }] });
    await expectHardened(c.id);
    const write = await execAs(a, c.id, ["sh", "-c", "echo made > /data/f && cat /data/f"]);
    expect(write).toMatchObject({ exitCode: 0, output: "made\n" });
    const made = (await listVolumes(a.owner, a.id)).find((v) => v.name === "made");
    expect(made?.inUseBy).toEqual([c.id]);
    const events = await db.activityEvent.findMany({
      where: { tenantId: a.id, target: { in: ["volume:made", "container:maker"] }, outcome: "allowed" },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual(["volume.create", "container.launch"]);

    // An existing name cannot be created again; the request is refused before anything is reserved.
    await expect(
      launchContainer(a.owner, a.id, { ...request, name: "again", volumes: [{ volume: "made", path: "/d", create: true }] }),
    ).rejects.toMatchObject({
      code: "conflict",
      fields: [{ path: "volumes[0].volume", message: "already in use in this tenant" }],
    });
    // Plain members may mount volumes but not create them.
    const member = await makeActor("member", [{ tenantId: a.id, role: "member" }]);
    await expect(
      launchContainer(member, a.id, { ...request, name: "m", volumes: [{ volume: "mine", path: "/d", create: true }] }),
    ).rejects.toMatchObject({
      code: "forbidden",
      fields: [{ path: "volumes[0].volume" }],
    });

    // A launch that fails after its volume was made (a forbidden mount target next to it)
    // leaves neither the volume's row nor the engine's volume behind.
    const enginesBefore = dockerObjectsOfRun().volumes.length;
    await expect(
      launchContainer(a.owner, a.id, {
        ...request,
        name: "broken",
        volumes: [
          { volume: "temp", path: "/data", create: true },
          { volume: "nope", path: "/other" },
        ],
      }),
    ).rejects.toMatchObject({ code: "policy_violation" });
    expect((await listVolumes(a.owner, a.id)).map((v) => v.name)).toEqual(["made"]);
    expect(dockerObjectsOfRun().volumes.length).toBe(enginesBefore);
    expect(await db.container.findFirst({ where: { tenantId: a.id, name: "broken" } })).toBeNull();

    await removeContainer(a.owner, c.id);
    await deleteVolume(a.owner, made!.id);
  });

  it("members who are not owners cannot create volumes; names must not be paths", async () => {
    const member = await makeActor("member", [{ tenantId: a.id, role: "member" }]);
    expect(await codeOf(createVolume(member, a.id, { name: "x" }))).toBe("forbidden");
    for (const name of ["/etc", "../x", "~", ".", "C:\\\\"]) {
      expect(await codeOf(createVolume(a.owner, a.id, { name }))).toBe("validation_failed");
    }
  });
});

describe("the launch's assertion scope", () => {
  it("built from what the launch reserved, it is the scope read back from the database, narrowed to the volumes it mounts", async () => {
    await createVolume(a.owner, a.id, { name: "scope-kept" });
    const kept = await db.volume.findFirstOrThrow({ where: { tenantId: a.id, name: "scope-kept" } });
    await createVolume(a.owner, a.id, { name: "scope-other" });
    const cmd = new Command(a.owner, "container.launch");
    const launch = await prepareLaunch(a.owner, await db.tenant.findUniqueOrThrow({ where: { id: a.id } }), {
      name: "scope",
      image: WEB,
      ports: [{ container: 8080, expose: "port" }],
      volumes: [
        { volume: "scope-kept", path: "/data" },
        { volume: "scope-new", path: "/more", create: true },
      ],
      memoryMb: 48,
      cpuMillis: 150,
    });
    const reserved = await reserveLaunch(cmd, launch);
    try {
      const built = launchScopeFor(launch, reserved);
      const read = await expectedScopeFor(reserved.tenant, { id: reserved.containerId, imageRef: launch.image.ref }, { asLaunch: true });
      const dockerNames = [kept.dockerName, reserved.newVolumes[0].dockerName];
      expect(built.ownedVolumeNames).toEqual(dockerNames);
      expect(read.ownedVolumeNames).toEqual(expect.arrayContaining(dockerNames));
      expect(read.ownedVolumeNames.length).toBeGreaterThan(dockerNames.length);
      expect({ ...built, ownedVolumeNames: [] }).toEqual({ ...read, ownedVolumeNames: [] });
      expect(built).toMatchObject({ berthId: reserved.containerId, maxMemoryMb: 48, maxCpuMillis: 150, requireHealthcheck: true });
      expect(reserved.containersBefore).toBe(
        await db.container.count({ where: { tenantId: a.id, id: { not: reserved.containerId }, status: { not: "missing" } } }),
      );
    } finally {
      await db.container.delete({ where: { id: reserved.containerId } });
      for (const v of reserved.newVolumes) await db.volume.delete({ where: { id: v.id } });
    }
  });
});
