import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { getContainer, listContainers } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";
import { createVolume } from "@/lib/services/volumes";
import { cleanUpTenant, tenantWithOwner, type TestTenant } from "./tenancy";

// Berth pointed at an engine that does not answer: nothing may be half-done or lost.
const globals = globalThis as unknown as { berthDocker?: unknown };
const savedHost = process.env.DOCKER_HOST;
let tenant: TestTenant;
let runningId: string;

function engineDown() {
  process.env.DOCKER_HOST = "unix:///nonexistent/berth-test/docker.sock";
  globals.berthDocker = undefined;
}
function engineBack() {
  if (savedHost === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = savedHost;
  globals.berthDocker = undefined;
}

beforeAll(async () => {
  await seedStarterCatalog();
  tenant = await tenantWithOwner("down");
  runningId = (await launchContainer(tenant.owner, tenant.id, { name: "keeps", image: "berth/shell:1", memoryMb: 32, cpuMillis: 100 })).id;
  engineDown();
});

afterAll(async () => {
  engineBack();
  await cleanUpTenant(tenant);
});

describe("the engine is unreachable", () => {
  it("a launch fails with daemon_unavailable and leaves no row, no port and a failed event", async () => {
    const before = await db.portAllocation.count();
    await expect(
      launchContainer(tenant.owner, tenant.id, { name: "later", image: "berth/shell:1", ports: [{ container: 80 }], memoryMb: 32, cpuMillis: 100 }),
    ).rejects.toMatchObject({ code: "daemon_unavailable", message: expect.stringMatching(/cannot be reached/) });
    expect(await db.container.findFirst({ where: { tenantId: tenant.id, name: "later" } })).toBeNull();
    expect(await db.portAllocation.count()).toBe(before);
    const event = await db.activityEvent.findFirst({ where: { tenantId: tenant.id, action: "container.launch" }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ outcome: "failed", reason: expect.stringMatching(/cannot be reached/) });
  });

  it("reads fail clearly, volumes are not half-made, and the existing container is kept", async () => {
    await expect(listContainers(tenant.owner, tenant.id)).rejects.toMatchObject({ code: "daemon_unavailable" });
    await expect(getContainer(tenant.owner, runningId)).rejects.toMatchObject({ code: "daemon_unavailable" });
    await expect(createVolume(tenant.owner, tenant.id, { name: "data" })).rejects.toMatchObject({ code: "daemon_unavailable" });
    expect(await db.volume.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.container.findUnique({ where: { id: runningId } })).not.toBeNull();
    engineBack();
    expect((await getContainer(tenant.owner, runningId)).status).toBe("running");
  });
});
