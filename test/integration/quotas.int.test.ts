import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { inspectWorkload } from "@/lib/docker/workloads";
import { ServiceError } from "@/lib/errors";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { changeContainerState } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";
import { getQuotaDefaults, setQuotaDefaults } from "@/lib/services/quota-defaults";
import { setTenantPolicy } from "@/lib/services/tenant-policy";
import { setTenantQuota } from "@/lib/services/tenant-quota";
import { getTenantUsage } from "@/lib/services/tenant-usage";
import { usageByTenant } from "@/lib/quota/usage";
import { createVolume } from "@/lib/services/volumes";
import { makeActor } from "./fixtures";
import { cleanUpTenant, expectHardened, tenantWithOwner, type TestTenant } from "./tenancy";
import { refusal } from "../support/refusal";

const SHELL = "berth/shell:1";
const sleeper = (name: string, memoryMb = 32, cpuMillis = 50) => ({ name, image: SHELL, command: ["sleep", "3600"], memoryMb, cpuMillis });
const base = { maxContainers: 10, maxMemoryMb: 2048, maxCpuMillis: 4000, maxVolumes: 10 };

const lastEvent = (tenantId: string | null, action: string) =>
  db.activityEvent.findFirstOrThrow({ where: { tenantId, action }, orderBy: { seq: "desc" } });

const tenants: TestTenant[] = [];
async function tenant(label: string, quota?: Record<string, number>): Promise<TestTenant> {
  const t = await tenantWithOwner(label);
  tenants.push(t);
  if (quota) await setTenantQuota(await makeActor("admin"), t.id, { ...base, ...quota });
  return t;
}

beforeAll(async () => {
  await seedStarterCatalog();
});

afterAll(async () => {
  for (const t of tenants) await cleanUpTenant(t);
});

describe("quota administration", () => {
  it("new tenants copy the quota defaults of the moment; only admins change them", async () => {
    const admin = await makeActor("admin");
    const operator = await makeActor("operator");
    const before = await getQuotaDefaults(admin);
    expect((await refusal(setQuotaDefaults(operator, before))).code).toBe("forbidden");
    const defaults = { maxContainers: 3, maxMemoryMb: 300, maxCpuMillis: 1500, maxVolumes: 1, maxContainerMemoryMb: 128, maxContainerCpuMillis: 500 };
    try {
      expect(await setQuotaDefaults(admin, defaults)).toEqual(defaults);
      const t = await tenant("defaults");
      expect((await getTenantUsage(t.owner, t.id)).quota).toEqual(defaults);
      expect(JSON.parse((await lastEvent(null, "quota.defaults.update")).details ?? "{}")).toMatchObject({ before, after: defaults });
    } finally {
      await setQuotaDefaults(admin, before);
    }
  });

  it("refuses quota and policy edits by anyone but an admin, and records them", async () => {
    const t = await tenant("edits");
    const operator = await makeActor("operator");
    for (const actor of [t.owner, operator]) {
      expect((await refusal(setTenantQuota(actor, t.id, { ...base, maxContainers: 99 }))).code).toBe("forbidden");
      expect((await refusal(setTenantPolicy(actor, t.id, { allowWritableRootfs: true, allowOutbound: true }))).code).toBe("forbidden");
    }
    expect((await lastEvent(t.id, "quota.update")).outcome).toBe("denied");
    expect((await getTenantUsage(t.owner, t.id)).quota.maxContainers).not.toBe(99);
    // Unknown fields and negative numbers are validation errors, not silently dropped.
    const admin = await makeActor("admin");
    expect((await refusal(setTenantQuota(admin, t.id, { ...base, maxContainers: -1, extra: 1 }))).fields?.map((f) => f.path).sort()).toEqual([
      "extra",
      "maxContainers",
    ]);
  });

  it("records every quota and policy change with the old and new values and who made it", async () => {
    const t = await tenant("audit");
    const admin = await makeActor("admin");
    const old = (await getTenantUsage(admin, t.id)).quota;
    const saved = await setTenantQuota(admin, t.id, { ...base, maxContainers: 4 });
    expect(saved).toEqual({ ...old, ...base, maxContainers: 4 });
    const event = await lastEvent(t.id, "quota.update");
    expect(event).toMatchObject({ outcome: "allowed", actorId: admin.userId, actorEmail: admin.email });
    expect(JSON.parse(event.details ?? "{}")).toMatchObject({ before: old, after: saved });

    const policy = await setTenantPolicy(admin, t.id, { allowedCapabilities: ["NET_BIND_SERVICE"], allowWritableRootfs: true, allowOutbound: false });
    expect(policy).toEqual({ allowedCapabilities: ["NET_BIND_SERVICE"], allowWritableRootfs: true, allowOutbound: false });
    expect(JSON.parse((await lastEvent(t.id, "policy.update")).details ?? "{}")).toMatchObject({
      before: { allowedCapabilities: [], allowWritableRootfs: false, allowOutbound: true },
      after: policy,
    });
  });
});

describe("usage from the rows", () => {
  it("counts every row but a missing one, and memory and CPU only of rows that hold them, per tenant", async () => {
    const a = await tenant("usage-a");
    const b = await tenant("usage-b");
    const row = (tenantId: string, name: string, status: string, restart: string, memoryMb: number) =>
      db.container.create({
        data: { tenantId, name, imageRef: SHELL, status: status as "running", memoryMb, cpuMillis: memoryMb * 10, readOnlyRootfs: true, restart },
      });
    // Distinct sizes, so a wrongly counted row shows in the sums.
    await row(a.id, "run", "running", "no", 1);
    await row(a.id, "run-2", "running", "on-failure", 2);
    await row(a.id, "restarting", "restarting", "no", 4);
    await row(a.id, "exited-retry", "exited", "on-failure", 8); // the engine may restart it: holds
    await row(a.id, "exited", "exited", "no", 16);
    await row(a.id, "stopped", "stopped", "on-failure", 32);
    await row(a.id, "dead", "dead", "no", 64);
    await row(a.id, "gone", "missing", "no", 128);
    await row(b.id, "other", "running", "no", 256);
    const usage = await usageByTenant(db, [a.id, b.id]);
    expect(usage.get(a.id)).toEqual({ containers: 7, memoryMb: 1 + 2 + 4 + 8, cpuMillis: 150, volumes: 0 });
    expect(usage.get(b.id)).toEqual({ containers: 1, memoryMb: 256, cpuMillis: 2560, volumes: 0 });
    expect((await getTenantUsage(a.owner, a.id)).used).toEqual(usage.get(a.id));
    await db.container.deleteMany({ where: { tenantId: { in: [a.id, b.id] } } });
  });
});

describe("quota enforcement (real daemon)", () => {
  it("a launch the daemon refuses after the reservation leaves usage unchanged", async () => {
    const t = await tenant("fail");
    // In the catalog but not on the host: the reservation succeeds, the engine's create fails.
    await db.catalogImage.upsert({
      where: { ref: "berth/not-on-this-host:1" },
      create: { ref: "berth/not-on-this-host:1", name: "Missing" },
      update: {},
    });
    const before = await getTenantUsage(t.owner, t.id);
    const error = await refusal(launchContainer(t.owner, t.id, { name: "ghost", image: "berth/not-on-this-host:1", memoryMb: 64, cpuMillis: 100 }));
    expect(error.code).not.toBe("quota_exceeded");
    expect(await getTenantUsage(t.owner, t.id)).toEqual(before);
    expect(await db.container.count({ where: { tenantId: t.id } })).toBe(0);
    expect((await lastEvent(t.id, "container.launch")).outcome).toMatch(/failed|denied/);
  });

  it("lowering a quota below usage stops nothing; the tenant is over quota and new launches are refused", async () => {
    const t = await tenant("lowered");
    const admin = await makeActor("admin");
    const running = [await launchContainer(t.owner, t.id, sleeper("one")), await launchContainer(t.owner, t.id, sleeper("two"))];
    for (const c of running) await expectHardened(c.id);
    await setTenantQuota(admin, t.id, { ...base, maxContainers: 1, maxMemoryMb: 48 });
    for (const c of running) {
      const row = await db.container.findUniqueOrThrow({ where: { id: c.id } });
      expect((await inspectWorkload(t.id, row.dockerId ?? ""))?.State.Running).toBe(true);
      // The verifier does not condemn what runs either (the reconciler relies on it).
      await expectHardened(c.id);
    }
    expect(await getTenantUsage(admin, t.id)).toMatchObject({ used: { containers: 2, memoryMb: 64 } });
    const error = await refusal(launchContainer(t.owner, t.id, sleeper("three")));
    expect(error.code).toBe("quota_exceeded");
    expect(error.message).toBe("Containers quota exceeded (maxContainers): this needs 1 more container, but the tenant uses 2 of 1, 0 left.");
    expect(await lastEvent(t.id, "container.launch")).toMatchObject({ outcome: "denied", reason: error.message });
  });

  it("starting a stopped container re-checks memory and CPU; stopped containers still count as containers", async () => {
    const t = await tenant("start", { maxMemoryMb: 96, maxContainers: 2 });
    const a = await launchContainer(t.owner, t.id, sleeper("a", 64));
    await expectHardened(a.id);
    await changeContainerState(t.owner, a.id, "stop");
    expect((await getTenantUsage(t.owner, t.id)).used).toMatchObject({ containers: 1, memoryMb: 0 });
    const b = await launchContainer(t.owner, t.id, sleeper("b", 64));
    await expectHardened(b.id);
    // Two rows: the stopped one still takes a container slot.
    expect((await refusal(launchContainer(t.owner, t.id, sleeper("c", 16)))).message).toMatch(/\(maxContainers\)/);
    const refused = await refusal(changeContainerState(t.owner, a.id, "start"));
    expect(refused.code).toBe("quota_exceeded");
    expect(refused.message).toMatch(/\(maxMemoryMb\): this needs 64 MB, but the tenant uses 64 of 96 MB/);
    expect((await db.container.findUniqueOrThrow({ where: { id: a.id } })).status).toBe("stopped");
    await changeContainerState(t.owner, b.id, "stop");
    expect((await changeContainerState(t.owner, a.id, "start")).status).toBe("running");
    await expectHardened(a.id);
    expect((await getTenantUsage(t.owner, t.id)).used).toMatchObject({ containers: 2, memoryMb: 64 });
  });

  it("20 launches at once against 5 containers: exactly 5 exist, 15 are refused", async () => {
    const t = await tenant("race", { maxContainers: 5 });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => launchContainer(t.owner, t.id, sleeper(`r${i}`, 16))));
    const ok = results.filter((r) => r.status === "fulfilled");
    const codes = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as ServiceError).code] : []));
    expect(ok).toHaveLength(5);
    expect(codes).toEqual(Array(15).fill("quota_exceeded"));
    for (const r of ok) await expectHardened(r.value.id);
    expect((await getTenantUsage(t.owner, t.id)).used).toMatchObject({ containers: 5, memoryMb: 80 });
  });

  it("volumes count against maxVolumes; per-container maxima are the tenant's own", async () => {
    const t = await tenant("vols", { maxVolumes: 1, maxContainerMemoryMb: 64 });
    await createVolume(t.owner, t.id, { name: "one" });
    const error = await refusal(createVolume(t.owner, t.id, { name: "two" }));
    expect(error.message).toMatch(/^Volumes quota exceeded \(maxVolumes\)/);
    expect(await db.volume.count({ where: { tenantId: t.id } })).toBe(1);
    const tooBig = await refusal(launchContainer(t.owner, t.id, sleeper("big", 128)));
    expect(tooBig).toMatchObject({ code: "policy_violation", fields: [{ path: "memoryMb", message: expect.stringContaining("maximum of 64 MB") }] });
    expect(await db.container.count({ where: { tenantId: t.id } })).toBe(0);
  });
});
