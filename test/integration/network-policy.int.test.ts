import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { docker } from "@/lib/docker/client";
import { tenantNetworkName } from "@/lib/docker/networks";
import { reconcileAll } from "@/lib/reconciler/reconcile-all";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { changeContainerState, removeContainer } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";
import { setTenantPolicy } from "@/lib/services/tenant-policy";
import { makeActor } from "./fixtures";
import { cleanUpTenant, expectHardened, tenantWithOwner, type TestTenant } from "./tenancy";

const SHELL = "berth/shell:1";
let tenant: TestTenant;

beforeAll(async () => {
  await seedStarterCatalog();
  tenant = await tenantWithOwner("netpol");
});
afterAll(async () => cleanUpTenant(tenant));

const internal = async () => (await docker().getNetwork(tenantNetworkName(tenant.slug)).inspect()).Internal;

describe("tenant policy changes", () => {
  it("turning outbound off never runs a launch with the old network: refused while containers exist, applied on a fresh network after", async () => {
    const admin = await makeActor("admin");
    const first = await launchContainer(tenant.owner, tenant.id, { name: "first", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    expect(await internal()).toBe(false);
    await setTenantPolicy(admin, tenant.id, { allowWritableRootfs: false, allowOutbound: false });
    await expect(launchContainer(tenant.owner, tenant.id, { name: "second", image: SHELL, memoryMb: 32, cpuMillis: 100 })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/outbound network access was turned off/),
    });
    expect(await db.container.findFirst({ where: { tenantId: tenant.id, name: "second" } })).toBeNull();
    await removeContainer(tenant.owner, first.id);
    const second = await launchContainer(tenant.owner, tenant.id, { name: "second", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    expect(await internal()).toBe(true);
    await expectHardened(second.id);
    await removeContainer(tenant.owner, second.id);
  });

  it("allowing then withdrawing a writable root filesystem keeps the running container valid (no quarantine)", async () => {
    const admin = await makeActor("admin");
    await setTenantPolicy(admin, tenant.id, { allowWritableRootfs: true, allowOutbound: false });
    const rw = await launchContainer(tenant.owner, tenant.id, { name: "scratch", image: SHELL, memoryMb: 32, cpuMillis: 100, readOnlyRootfs: false });
    await setTenantPolicy(admin, tenant.id, { allowWritableRootfs: false, allowOutbound: false });
    await expectHardened(rw.id);
    await reconcileAll();
    expect((await db.container.findUniqueOrThrow({ where: { id: rw.id } })).status).toBe("running");
    // A restart through Berth still works: the container keeps what it was launched with.
    expect((await changeContainerState(tenant.owner, rw.id, "restart")).status).toBe("running");
    await removeContainer(tenant.owner, rw.id);
  });

  it("operators cannot act inside a tenant even as members", async () => {
    const operator = await makeActor("operator", [{ tenantId: tenant.id, role: "owner" }]);
    await expect(launchContainer(operator, tenant.id, { name: "op", image: SHELL, memoryMb: 32, cpuMillis: 100 })).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});
