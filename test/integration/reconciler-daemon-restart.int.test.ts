import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { Reconciler } from "@/lib/reconciler/reconciler";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { launchContainer } from "@/lib/services/launch-container";
import { eventually } from "./fixtures";
import { PrivateDaemon } from "./private-daemon";
import { tenantWithOwner, type TestTenant } from "./tenancy";

// The shared engine is never stopped: this file points Berth at a private dockerd of its own.
const daemon = new PrivateDaemon();
const globals = globalThis as unknown as { berthDocker?: unknown };
const savedHost = process.env.DOCKER_HOST;
let tenant: TestTenant;
let reconciler: Reconciler;

beforeAll(async () => {
  await daemon.start();
  daemon.loadImage("berth/shell:1");
  process.env.DOCKER_HOST = daemon.host;
  globals.berthDocker = undefined;
  await seedStarterCatalog();
  tenant = await tenantWithOwner("crash");
  reconciler = new Reconciler({ initialBackoffMs: 200 });
  reconciler.start();
  await reconciler.waitForPass(0);
}, 120_000);

afterAll(async () => {
  await reconciler?.stop();
  await daemon.destroy();
  if (savedHost === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = savedHost;
  globals.berthDocker = undefined;
}, 120_000);

describe("the daemon is killed mid-stream and restarted (private dockerd)", () => {
  it("reconnects, converges on the container's real state and records its death exactly once", async () => {
    const c = await launchContainer(tenant.owner, tenant.id, { name: "survivor", image: "berth/shell:1", memoryMb: 32, cpuMillis: 100 });
    expect(c.status).toBe("running");
    await reconciler.settle();
    expect(reconciler.snapshot().connected).toBe(true);

    await daemon.kill();
    await eventually(
      async () => reconciler.snapshot().connected,
      (connected) => !connected,
      15_000,
    );
    expect(reconciler.snapshot().connected).toBe(false);

    const restartedAt = Date.now();
    await daemon.start();
    // Without live-restore the restarted daemon finds the container stopped.
    await reconciler.waitForPass(restartedAt, 60_000);
    const row = await eventually(
      () => db.container.findUniqueOrThrow({ where: { id: c.id } }),
      (r) => r.status === "exited",
      30_000,
    );
    expect(row.status).toBe("exited");
    // A full pass can also come from the retry after a failed event, before the event stream
    // is back: the reconnect is awaited on its own.
    expect(
      await eventually(
        async () => reconciler.snapshot().connected,
        (connected) => connected,
        30_000,
      ),
    ).toBe(true);

    // A second full pass and any replayed events change nothing more.
    await new Promise((r) => setTimeout(r, 1000));
    await reconciler.settle();
    const died = await db.activityEvent.findMany({ where: { action: "container.died", details: { contains: c.id } } });
    expect(died).toHaveLength(1);
    expect(died[0]).toMatchObject({ actorType: "system", tenantId: tenant.id });
  }, 180_000);
});
