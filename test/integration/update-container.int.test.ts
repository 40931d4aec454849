import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { execInWorkload } from "@/lib/docker/exec";
import { LABEL, testLabels } from "@/lib/docker/labels";
import { inspectWorkload } from "@/lib/docker/workloads";
import { Reconciler } from "@/lib/reconciler/reconciler";
import { reconcileAll } from "@/lib/reconciler/reconcile-all";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { changeContainerState } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";
import { setTenantQuota } from "@/lib/services/tenant-quota";
import { getTenantUsage } from "@/lib/services/tenant-usage";
import { updateContainer } from "@/lib/services/update-container";
import { createVolume } from "@/lib/services/volumes";
import { makeActor, uniq } from "./fixtures";
import { cleanUpTenant, expectHardened, tenantWithOwner, type TestTenant } from "./tenancy";
import { refusal } from "../support/refusal";

/*
 * Edit and redeploy on the real daemon: the container is recreated behind the same row, keeps
 * its name, volumes, host ports and HTTPS host names, goes through the launch's policy and
 * quota, and an edit that fails at any step leaves the old container running with nothing
 * lost or left over.
 */

const SHELL = "berth/shell:1";
const base = { maxContainers: 10, maxMemoryMb: 2048, maxCpuMillis: 4000, maxVolumes: 10 };

let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  await seedStarterCatalog();
  [a, b] = [await tenantWithOwner("ea"), await tenantWithOwner("eb")];
});

afterAll(async () => {
  await cleanUpTenant(a);
  await cleanUpTenant(b);
});

async function execIn(t: TestTenant, containerId: string, cmd: string[]) {
  const row = await db.container.findUniqueOrThrow({ where: { id: containerId } });
  return execInWorkload({ id: t.id, uid: t.uid }, row.dockerId ?? "", cmd);
}

/** Everything an edit that fails must leave exactly as it was. */
async function snapshot(containerId: string) {
  const row = await db.container.findUniqueOrThrow({ where: { id: containerId }, include: { ports: true, routes: true, mounts: true } });
  const info = await inspectWorkload(row.tenantId, row.dockerId ?? "");
  return {
    row: { ...row, routes: row.routes.map((r) => ({ ...r, createdAt: undefined })) },
    engine: { name: info?.Name, running: info?.State.Running },
    ports: await db.portAllocation.count({ where: { container: { tenantId: row.tenantId } } }),
    routes: await db.ingressRoute.count({ where: { container: { tenantId: row.tenantId } } }),
    containers: await db.container.count({ where: { tenantId: row.tenantId } }),
  };
}

async function engineNamesOf(t: TestTenant): Promise<string[]> {
  const rows = await db.container.findMany({ where: { tenantId: t.id } });
  const names: string[] = [];
  for (const row of rows) names.push((await inspectWorkload(t.id, row.dockerId ?? ""))?.Name ?? "(gone)");
  return names;
}

describe("editing a container (real daemon)", () => {
  it("recreates it hardened with the new memory, command and env: same row, name, volume data, host port and host name; the old one is gone", async () => {
    await createVolume(a.owner, a.id, { name: "keep" });
    const launched = await launchContainer(a.owner, a.id, {
      name: "app",
      image: SHELL,
      command: ["sh", "-c", "sleep 3600"],
      env: { GREETING: "hi", API_SECRET: "s3cret-value" },
      ports: [
        { container: 8080, expose: "https" },
        { container: 9000, protocol: "tcp", expose: "port" },
      ],
      volumes: [{ volume: "keep", path: "/data" }],
      memoryMb: 32,
      cpuMillis: 100,
    });
    await expectHardened(launched.id);
    expect((await execIn(a, launched.id, ["sh", "-c", "echo kept > /data/file"])).exitCode).toBe(0);
    const before = await db.container.findUniqueOrThrow({ where: { id: launched.id }, include: { ports: true, routes: true } });
    expect(before.routes).toHaveLength(1);

    const edited = await updateContainer(a.owner, launched.id, {
      image: SHELL,
      command: ["sh", "-c", "echo edited; sleep 3600"],
      env: { GREETING: "hello", API_SECRET: null },
      ports: [
        { container: 8080, expose: "https" },
        { container: 9000, protocol: "tcp", expose: "port" },
      ],
      memoryMb: 64,
      cpuMillis: 200,
    });
    expect(edited).toMatchObject({ id: launched.id, name: "app", status: "running", memoryMb: 64, cpuMillis: 200 });
    expect(edited.ports.map((p) => p.url).sort()).toEqual(launched.ports.map((p) => p.url).sort());

    const after = await db.container.findUniqueOrThrow({ where: { id: launched.id }, include: { ports: true, routes: true } });
    expect(after.dockerId).not.toBe(before.dockerId);
    expect(after.routes.map((r) => r.hostName)).toEqual(before.routes.map((r) => r.hostName));
    expect(after.ports.map((p) => p.hostPort)).toEqual(before.ports.map((p) => p.hostPort));
    expect(after.command).toEqual(["sh", "-c", "echo edited; sleep 3600"]);
    expect(after.envKeys).toEqual(["GREETING", "API_SECRET"]);
    await expectHardened(launched.id);

    const info = await inspectWorkload(a.id, after.dockerId ?? "");
    expect(info?.Name).toBe(`/berth-${a.slug}_app`);
    expect(info?.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(await inspectWorkload(a.id, before.dockerId ?? "")).toBeNull();
    expect(await engineNamesOf(a)).toEqual([`/berth-${a.slug}_app`]);

    // The volume's data is still there; the kept env value was carried from the old container.
    expect((await execIn(a, launched.id, ["cat", "/data/file"])).output).toBe("kept\n");
    expect((await execIn(a, launched.id, ["sh", "-c", 'echo "$GREETING $API_SECRET"'])).output).toBe("hello s3cret-value\n");

    const event = await db.activityEvent.findFirstOrThrow({ where: { tenantId: a.id, action: "container.update" }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ outcome: "allowed", target: "container:app" });
    expect(event.details).not.toContain("s3cret");
    expect(event.details).not.toContain("hello");
    expect((await getTenantUsage(a.owner, a.id)).used).toMatchObject({ containers: 1, memoryMb: 64, cpuMillis: 200 });
  });

  it("keeps the host names of HTTPS ports it keeps, names added ones by their port, and releases dropped ones, each recorded", async () => {
    const c = await launchContainer(a.owner, a.id, {
      name: "routes",
      image: SHELL,
      ports: [{ container: 8080, expose: "https" }],
      memoryMb: 32,
      cpuMillis: 100,
    });
    const request = { image: SHELL, memoryMb: 32, cpuMillis: 100 };
    const hostsOf = async () =>
      (await db.ingressRoute.findMany({ where: { containerId: c.id }, orderBy: { containerPort: "asc" } })).map((r) => [
        r.containerPort,
        r.hostName.split(".")[0],
      ]);
    await updateContainer(a.owner, c.id, {
      ...request,
      ports: [
        { container: 3000, expose: "https" },
        { container: 8080, expose: "https" },
      ],
    });
    expect(await hostsOf()).toEqual([
      [3000, `3000--routes--${a.slug}`],
      [8080, `routes--${a.slug}`],
    ]);
    await updateContainer(a.owner, c.id, { ...request, ports: [{ container: 3000, expose: "https" }] });
    expect(await hostsOf()).toEqual([[3000, `3000--routes--${a.slug}`]]);
    const routeEvents = await db.activityEvent.findMany({
      where: { tenantId: a.id, action: { startsWith: "ingress.route" }, details: { contains: c.id } },
      orderBy: { seq: "asc" },
    });
    expect(routeEvents.map((e) => `${e.action} ${e.target?.split(".")[0]}`)).toEqual([
      `ingress.route.add route:routes--${a.slug}`,
      `ingress.route.add route:3000--routes--${a.slug}`,
      `ingress.route.remove route:routes--${a.slug}`,
    ]);
    await expectHardened(c.id);
  });

  it("counts only the difference against the quota, and an edit over quota is refused with nothing changed", async () => {
    const t = await tenantWithOwner("eq");
    try {
      await setTenantQuota(await makeActor("admin"), t.id, { ...base, maxMemoryMb: 96 });
      const c = await launchContainer(t.owner, t.id, { name: "grow", image: SHELL, memoryMb: 64, cpuMillis: 100 });
      // 96 MB in all with 32 MB free: growing by 32 MB fits, although the container's new size does not.
      const grown = await updateContainer(t.owner, c.id, { image: SHELL, memoryMb: 96, cpuMillis: 100 });
      expect(grown.memoryMb).toBe(96);
      await expectHardened(c.id);

      const held = await snapshot(c.id);
      const error = await refusal(updateContainer(t.owner, c.id, { image: SHELL, memoryMb: 112, cpuMillis: 100 }));
      expect(error.code).toBe("quota_exceeded");
      expect(error.message).toMatch(/Memory/i);
      expect(await snapshot(c.id)).toEqual(held);
      expect((await getTenantUsage(t.owner, t.id)).used).toMatchObject({ containers: 1, memoryMb: 96 });
      const event = await db.activityEvent.findFirstOrThrow({ where: { tenantId: t.id, action: "container.update" }, orderBy: { seq: "desc" } });
      expect(event.outcome).toBe("denied");

      // Shrinking always fits.
      expect((await updateContainer(t.owner, c.id, { image: SHELL, memoryMb: 16, cpuMillis: 100 })).memoryMb).toBe(16);
      expect((await getTenantUsage(t.owner, t.id)).used).toMatchObject({ memoryMb: 16 });
      await expectHardened(c.id);
    } finally {
      await cleanUpTenant(t);
    }
  });

  it("an edit the policy refuses leaves the old container running, its ports and routes as they were", async () => {
    const c = await launchContainer(a.owner, a.id, { name: "strict", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    const held = await snapshot(c.id);
    // The tenant's policy does not allow a writable root filesystem; the request also adds a port.
    const error = await refusal(
      updateContainer(a.owner, c.id, {
        image: SHELL,
        memoryMb: 48,
        cpuMillis: 100,
        readOnlyRootfs: false,
        ports: [{ container: 9100, expose: "port" }],
      }),
    );
    expect(error.code).toBe("policy_violation");
    expect(error.fields?.map((f) => f.path)).toContain("readOnlyRootfs");
    expect(await snapshot(c.id)).toEqual(held);
    expect(held.engine.running).toBe(true);
    await expectHardened(c.id);
  });

  it("an edit the engine cannot carry out restores the old container under its name, running, with nothing left over", async () => {
    const c = await launchContainer(a.owner, a.id, { name: "restore", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    const held = await snapshot(c.id);
    const startedBefore = (await inspectWorkload(a.id, held.row.dockerId ?? ""))?.State.StartedAt;
    // In the catalog but not on the host: the engine refuses the create after the old container was moved aside and stopped.
    const absent = await db.catalogImage.create({ data: { ref: `berth/absent-${uniq("img")}:1`, name: "Absent" } });
    try {
      const error = await refusal(
        updateContainer(a.owner, c.id, { imageId: absent.id, memoryMb: 48, cpuMillis: 100, ports: [{ container: 9200, expose: "port" }] }),
      );
      expect(error.code).not.toBe("internal");
      const now = await snapshot(c.id);
      expect(now).toEqual(held);
      const info = await inspectWorkload(a.id, held.row.dockerId ?? "");
      expect(info?.State.Running).toBe(true);
      // It was stopped and started again: restored, not untouched.
      expect(info?.State.StartedAt).not.toBe(startedBefore);
      await expectHardened(c.id);
      const event = await db.activityEvent.findFirstOrThrow({ where: { tenantId: a.id, action: "container.update" }, orderBy: { seq: "desc" } });
      expect(event.outcome).toMatch(/denied|failed/);
    } finally {
      await db.catalogImage.delete({ where: { id: absent.id } });
    }
  });

  it("a stopped container runs after an edit and needs its new size in full", async () => {
    const c = await launchContainer(a.owner, a.id, { name: "sleepy", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    await changeContainerState(a.owner, c.id, "stop");
    const edited = await updateContainer(a.owner, c.id, { image: SHELL, memoryMb: 48, cpuMillis: 100 });
    expect(edited).toMatchObject({ status: "running", memoryMb: 48 });
    await expectHardened(c.id);
  });

  it("one change at a time: refused while the row is restarting; what an interrupted edit left under the Berth id is removed", async () => {
    const c = await launchContainer(a.owner, a.id, { name: "healed", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    const request = { image: SHELL, memoryMb: 48, cpuMillis: 100 };
    await db.container.update({ where: { id: c.id }, data: { status: "restarting" } });
    expect((await refusal(updateContainer(a.owner, c.id, request))).code).toBe("conflict");
    await db.container.update({ where: { id: c.id }, data: { status: "running" } });
    // A container an interrupted edit created: Berth's labels, this row's id, not the row's container.
    const labels = Object.entries({ ...testLabels(), [LABEL.managed]: "true", [LABEL.tenant]: a.id, [LABEL.id]: c.id }).flatMap(([k, v]) => [
      "--label",
      `${k}=${v}`,
    ]);
    const stray = execFileSync("docker", ["create", ...labels, "--name", `berth-${a.slug}_healed-stray`, SHELL, "true"], { encoding: "utf8" }).trim();
    await updateContainer(a.owner, c.id, request);
    expect(await inspectWorkload(a.id, stray)).toBeNull();
    expect(await engineNamesOf(a)).toContain(`/berth-${a.slug}_healed`);
    await expectHardened(c.id);
  });

  it("refuses other tenants (not_found), operators (forbidden), a new name, volume changes and env values it cannot keep", async () => {
    const c = await launchContainer(a.owner, a.id, { name: "guarded", image: SHELL, env: { KEPT: "x" }, memoryMb: 32, cpuMillis: 100 });
    const request = { image: SHELL, memoryMb: 48, cpuMillis: 100 };
    const held = await snapshot(c.id);
    expect((await refusal(updateContainer(b.owner, c.id, request))).code).toBe("not_found");
    expect((await refusal(updateContainer(await makeActor("operator"), c.id, request))).code).toBe("forbidden");
    const renamed = await refusal(updateContainer(a.owner, c.id, { ...request, name: "other" }));
    expect(renamed).toMatchObject({ code: "validation_failed", fields: [expect.objectContaining({ path: "name" })] });
    const volumes = await refusal(updateContainer(a.owner, c.id, { ...request, volumes: [{ volume: "keep", path: "/data" }] }));
    expect(volumes).toMatchObject({ code: "validation_failed", fields: [expect.objectContaining({ path: "volumes" })] });
    const unknownEnv = await refusal(updateContainer(a.owner, c.id, { ...request, env: { KEPT: null, NEVER_SET: null } }));
    expect(unknownEnv).toMatchObject({ code: "validation_failed", fields: [expect.objectContaining({ path: "env.NEVER_SET" })] });
    const unknownField = await refusal(updateContainer(a.owner, c.id, { ...request, privileged: true }));
    expect(unknownField.code).toBe("validation_failed");
    expect(await snapshot(c.id)).toEqual(held);
    await expectHardened(c.id);
  });
});

describe("editing while the reconciler follows the engine", () => {
  let reconciler: Reconciler;
  beforeAll(async () => {
    reconciler = new Reconciler({ staleCreatingMs: 60_000 });
    reconciler.start();
    await reconciler.waitForPass(0);
  });
  afterAll(async () => {
    await reconciler.stop();
  });

  it("reads neither the replaced container's stop and removal nor a restored one's as a death or a removal", async () => {
    const c = await launchContainer(a.owner, a.id, { name: "followed", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    await updateContainer(a.owner, c.id, { image: SHELL, memoryMb: 48, cpuMillis: 100 });
    const absent = await db.catalogImage.create({ data: { ref: `berth/absent-${uniq("img")}:1`, name: "Absent" } });
    try {
      await refusal(updateContainer(a.owner, c.id, { imageId: absent.id, memoryMb: 64, cpuMillis: 100 }));
    } finally {
      await db.catalogImage.delete({ where: { id: absent.id } });
    }
    await reconciler.settle();
    await reconcileAll();
    await reconciler.settle();
    const row = await db.container.findUniqueOrThrow({ where: { id: c.id } });
    expect(row).toMatchObject({ status: "running", memoryMb: 48 });
    await expectHardened(c.id);
    const system = await db.activityEvent.findMany({ where: { actorType: "system", details: { contains: c.id } } });
    expect(system.map((e) => e.action)).toEqual([]);
  });
});
