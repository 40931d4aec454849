import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { managerDocker, nodeDocker } from "@/lib/docker/client";
import { refreshNodePosture } from "@/lib/docker/nodes";
import { tasksOf } from "@/lib/docker/swarm-tasks";
import { Reconciler } from "@/lib/reconciler/reconciler";
import { reconcileAll } from "@/lib/reconciler/reconcile-all";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { changeContainerState } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";
import { setTenantQuota } from "@/lib/services/tenant-quota";
import { getTenantUsage } from "@/lib/services/tenant-usage";
import { updateContainer } from "@/lib/services/update-container";
import { makeActor, uniq } from "../integration/fixtures";
import { cleanUpTenant, tenantWithOwner, type TestTenant } from "../integration/tenancy";
import { SHELL, execOnNode, expectVerified, liveOf, rowOf, sleeper, waitFor } from "./swarm-support";
import { refusal } from "../support/refusal";

/*
 * Edit and redeploy on Swarm (PUT /api/v1/containers/{id} → updateContainer): the service is
 * updated in place, keeping its id and name; the new spec goes through the launch's policy and
 * assertion, its task through the launch's verification, and an edit that fails at any step
 * leaves the old service spec and a running task. And a start re-asserts the live spec (S3):
 * one changed behind Berth's back while the service was scaled to 0 does not run.
 */

const WEB = "berth/static-web:1";
const quota = { maxContainers: 10, maxMemoryMb: 256, maxCpuMillis: 4000, maxVolumes: 10 };
let t: TestTenant;
let reconciler: Reconciler | undefined;

beforeAll(async () => {
  await seedStarterCatalog();
  await refreshNodePosture();
  t = await tenantWithOwner("swe");
  await setTenantQuota(await makeActor("admin"), t.id, quota);
  // The reconciler runs through the edits: the new spec is live before the row records it,
  // and it must not be taken for drift (the edit lease).
  reconciler = new Reconciler({ staleCreatingMs: 60_000, initialBackoffMs: 200 });
  reconciler.start();
  await reconciler.waitForPass(0);
});
afterAll(async () => {
  await reconciler?.stop();
  await cleanUpTenant(t);
});

async function serviceOf(containerId: string) {
  const { dockerId } = await rowOf(containerId);
  return managerDocker()
    .getService(dockerId ?? "")
    .inspect();
}

/** Runs `cmd` in the container's current task, through its node's engine, as the tenant. */
async function execInTask(containerId: string, cmd: string[]) {
  const live = await liveOf(containerId);
  return execOnNode(live.berthSwarm.nodeId ?? "", live.berthSwarm.container?.Id ?? "", cmd, `${t.uid}:${t.uid}`);
}

/** What an edit that fails must leave as it was: the row, the service's spec and its running task. */
async function held(containerId: string) {
  const row = await rowOf(containerId);
  const live = await liveOf(containerId);
  return {
    // `node` is the reconciler's, filled in when it sees the task (and a restored task may land elsewhere).
    row: { ...row, stateChangedAt: undefined, node: undefined },
    spec: live.berthSwarm.service.Spec,
    running: live.State.Running,
    usage: (await getTenantUsage(t.owner, t.id)).used,
  };
}

describe("edit and redeploy on Swarm", () => {
  it("updates the service in place: new image, memory and env, a null env value kept; same id and name; the new task passes the verifier on its node", async () => {
    const c = await launchContainer(t.owner, t.id, sleeper("app", { env: { GREETING: "hi", API_SECRET: "s3cret-value" } }));
    await expectVerified(c.id);
    const before = await rowOf(c.id);
    const serviceBefore = await serviceOf(c.id);
    const taskBefore = (await liveOf(c.id)).berthSwarm.task?.ID;

    const edited = await updateContainer(t.owner, c.id, {
      image: WEB,
      env: { GREETING: "hello", API_SECRET: null },
      memoryMb: 64,
      cpuMillis: 200,
    });
    expect(edited).toMatchObject({ id: c.id, name: "app", status: "running", memoryMb: 64, cpuMillis: 200 });

    const after = await rowOf(c.id);
    expect(after.dockerId, "the row still names the same service").toBe(before.dockerId);
    expect(after.imageRef).toBe(WEB);
    expect(after.envKeys).toEqual(["GREETING", "API_SECRET"]);
    const service = await serviceOf(c.id);
    expect(service.ID).toBe(serviceBefore.ID);
    expect(service.Spec?.Name).toBe(`berth-${t.slug}_app`);
    expect(service.Spec?.TaskTemplate?.ContainerSpec?.Image).toBe(WEB);
    expect(service.Spec?.TaskTemplate?.Resources?.Limits?.MemoryBytes).toBe(64 * 1024 * 1024);
    expect((service.Version?.Index ?? 0) > (serviceBefore.Version?.Index ?? 0)).toBe(true);

    const live = await liveOf(c.id);
    expect(live.berthSwarm.task?.ID, "a new task").not.toBe(taskBefore);
    expect(live.State.Running).toBe(true);
    await expectVerified(c.id);
    // Through the node's engine, as the container's own user.
    const nodeId = live.berthSwarm.nodeId ?? "";
    const containerId = live.berthSwarm.container?.Id ?? "";
    expect((await execOnNode(nodeId, containerId, ["id", "-u"], "")).output.trim()).toBe(String(t.uid));
    const status = await execOnNode(nodeId, containerId, ["cat", "/proc/1/status"], `${t.uid}:${t.uid}`);
    expect(status.output).toMatch(/^CapEff:\s*0000000000000000$/m);
    expect(status.output).toMatch(/^NoNewPrivs:\s*1$/m);
    expect(live.berthSwarm.container?.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect((await execInTask(c.id, ["sh", "-c", 'echo "$GREETING $API_SECRET"'])).output).toBe("hello s3cret-value\n");

    expect((await getTenantUsage(t.owner, t.id)).used).toMatchObject({ containers: 1, memoryMb: 64, cpuMillis: 200 });
    const event = await db.activityEvent.findFirstOrThrow({ where: { tenantId: t.id, action: "container.update" }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ outcome: "allowed", target: "container:app" });
    expect(event.details).not.toContain("s3cret");

    // The reconciler, which saw the spec change before the row did, took none of it for drift.
    await reconcileAll();
    expect((await rowOf(c.id)).status).toBe("running");
    expect(await db.activityEvent.count({ where: { tenantId: t.id, action: "container.quarantine" } })).toBe(0);
  });

  it("a stopped container keeps its env values through an edit (read from the service spec) and runs after it", async () => {
    const c = await launchContainer(t.owner, t.id, sleeper("paused", { env: { TOKEN: "keep-me" } }));
    expect((await changeContainerState(t.owner, c.id, "stop")).status).toBe("stopped");
    const stopped = await liveOf(c.id);
    expect(stopped.State.Running).toBe(false);
    // Swarm reaps a stopped task's container in its own time; removed here on its node, so the
    // edit has only the service spec to read the env from.
    const old = stopped.berthSwarm.container;
    if (old)
      await nodeDocker(stopped.berthSwarm.nodeId ?? "")
        .getContainer(old.Id)
        .remove({ force: true });
    const reaped = await waitFor(
      "no task container left",
      () => liveOf(c.id),
      (i) => i.berthSwarm.container === null,
    );
    expect(reaped.Config.Env).toContain("TOKEN=keep-me");

    const edited = await updateContainer(t.owner, c.id, {
      image: SHELL,
      command: ["sleep", "3601"],
      env: { TOKEN: null },
      memoryMb: 48,
      cpuMillis: 100,
    });
    expect(edited.status).toBe("running");
    await expectVerified(c.id);
    expect((await execInTask(c.id, ["sh", "-c", 'echo "$TOKEN"'])).output).toBe("keep-me\n");
    expect((await serviceOf(c.id)).Spec?.TaskTemplate?.ContainerSpec?.Args).toEqual(["sleep", "3601"]);
  });

  it("an edit the quota or the policy refuses leaves the old task running, the spec and the quota as they were", async () => {
    const c = await launchContainer(t.owner, t.id, sleeper("strict"));
    await expectVerified(c.id);
    const taskBefore = (await liveOf(c.id)).berthSwarm.task?.ID;
    const before = await held(c.id);

    // Over the tenant's memory quota (256 MB in all, others hold some): refused at the reservation.
    const overQuota = await refusal(updateContainer(t.owner, c.id, { image: SHELL, command: ["sleep", "3600"], memoryMb: 250, cpuMillis: 100 }));
    expect(overQuota.code).toBe("quota_exceeded");
    expect(await held(c.id)).toEqual(before);

    // Refused by the policy (a raw port on Swarm): nothing was written to the manager.
    const byPolicy = await refusal(
      updateContainer(t.owner, c.id, {
        image: SHELL,
        command: ["sleep", "3600"],
        memoryMb: 32,
        cpuMillis: 100,
        ports: [{ container: 9100, protocol: "tcp", expose: "port" }],
      }),
    );
    expect(byPolicy.code).toBe("policy_violation");
    expect(byPolicy.fields?.map((f) => f.path)).toContain("ports[0].expose");
    expect(await held(c.id)).toEqual(before);
    expect((await liveOf(c.id)).berthSwarm.task?.ID, "the same task kept running").toBe(taskBefore);
    await expectVerified(c.id);
    const events = await db.activityEvent.findMany({ where: { tenantId: t.id, action: "container.update", target: "container:strict" } });
    expect(events.map((e) => e.outcome)).toEqual(["denied", "denied"]);
  });

  it("an edit whose new task Swarm cannot start writes the previous spec back; the old container runs again, verified", async () => {
    const c = await launchContainer(t.owner, t.id, sleeper("restore"));
    await expectVerified(c.id);
    const before = await held(c.id);
    const taskBefore = (await liveOf(c.id)).berthSwarm.task?.ID;
    // In the catalog but on no node (and no registry to pull from): the spec is written, its task is rejected.
    const absent = await db.catalogImage.create({ data: { ref: `berth/absent-${uniq("img")}:1`, name: "Absent" } });
    try {
      const error = await refusal(updateContainer(t.owner, c.id, { imageId: absent.id, memoryMb: 48, cpuMillis: 100 }));
      expect(error.message).toMatch(/Swarm|node/);
      const now = await held(c.id);
      expect(now.row).toEqual(before.row);
      expect(now.usage).toEqual(before.usage);
      const spec = now.spec as { TaskTemplate: { ContainerSpec: { Image: string }; ForceUpdate?: number } };
      expect(spec.TaskTemplate.ContainerSpec.Image).toBe(SHELL);
      // The previous spec, with only the forced update that made its task again.
      const { ForceUpdate: _was, ...beforeTask } = (before.spec as { TaskTemplate: Record<string, unknown> }).TaskTemplate;
      const { ForceUpdate: _now, ...nowTask } = spec.TaskTemplate as Record<string, unknown>;
      expect(nowTask).toEqual(beforeTask);
      const live = await waitFor(
        "the old spec's task running",
        () => liveOf(c.id),
        (i) => i.State.Running && i.berthSwarm.container !== null,
      );
      expect(live.berthSwarm.task?.ID, "restored: a task of the previous spec again").not.toBe(taskBefore);
      await expectVerified(c.id);
    } finally {
      await db.catalogImage.delete({ where: { id: absent.id } });
    }
  });
});

describe("start re-asserts the live spec (S3)", () => {
  const tamper = (serviceId: string, ...args: string[]) =>
    execFileSync("docker", ["--host", process.env.BERTH_SWARM_MANAGER ?? "", "service", "update", "--detach", ...args, serviceId], { stdio: "pipe" });

  it("a spec changed behind Berth's back while stopped is refused at start with the violations, quarantined, and never runs; so is a restart", async () => {
    // Without the reconciler: it would quarantine the change on the service event before the start is asked.
    await reconciler?.stop();
    reconciler = undefined;
    const c = await launchContainer(t.owner, t.id, sleeper("tampered"));
    await changeContainerState(t.owner, c.id, "stop");
    const { dockerId } = await rowOf(c.id);
    // Still scaled to 0: only the capabilities change.
    tamper(dockerId ?? "", "--cap-add", "SYS_ADMIN", "--replicas", "0");
    const usageBefore = (await getTenantUsage(t.owner, t.id)).used;

    const error = await refusal(changeContainerState(t.owner, c.id, "start"));
    expect(error.code).toBe("policy_violation");
    expect(error.message).toMatch(/CAP_SYS_ADMIN/);
    const service = await serviceOf(c.id);
    expect(service.Spec?.Mode?.Replicated?.Replicas, "never scaled up").toBe(0);
    expect((await tasksOf(dockerId ?? "")).filter((task) => task.DesiredState === "running")).toEqual([]);
    const row = await rowOf(c.id);
    expect(row.status).toBe("quarantined");
    expect(row.quarantineReason).toMatch(/CAP_SYS_ADMIN/);
    const start = await db.activityEvent.findFirstOrThrow({ where: { tenantId: t.id, action: "container.start", target: "container:tampered" } });
    expect(start.outcome).toBe("denied");
    expect(await db.activityEvent.count({ where: { tenantId: t.id, action: "container.quarantine", target: "container:tampered" } })).toBe(1);
    // Quarantined as the reconciler quarantines: it holds its quota until an administrator reviews it.
    expect((await getTenantUsage(t.owner, t.id)).used.memoryMb).toBe(usageBefore.memoryMb + 32);

    // A restart of a running service whose spec was changed: refused before the new task, scaled to 0.
    const r = await launchContainer(t.owner, t.id, sleeper("retampered"));
    const restartId = (await rowOf(r.id)).dockerId ?? "";
    tamper(restartId, "--limit-memory", "512M");
    const refused = await refusal(changeContainerState(t.owner, r.id, "restart"));
    expect(refused.code).toBe("policy_violation");
    expect((await rowOf(r.id)).status).toBe("quarantined");
    expect((await managerDocker().getService(restartId).inspect()).Spec?.Mode?.Replicated?.Replicas).toBe(0);
  });
});
