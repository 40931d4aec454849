import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as statesRoute } from "@/app/api/v1/tenants/[tenantId]/containers/states/route";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { Reconciler } from "@/lib/reconciler/reconciler";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { CONTAINER_REMOVED_REASON, STATES_POLL_MS, TENANT_ACCESS_ENDED_REASON } from "@/lib/services/container-states";
import { changeContainerState, removeContainer } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";
import { createTokenForSelf, revokeToken } from "@/lib/services/tokens";
import { updateUser } from "@/lib/services/users";
import { openStreamCount } from "@/lib/streams/open-streams";
import { actorOf, makeActor, makeUser } from "./fixtures";
import { cleanUpTenant, tenantWithOwner, type TestTenant } from "./tenancy";

const SHELL = "berth/shell:1";
const RECHECK_MS = 1000;

let t: TestTenant;
let other: TestTenant;
let admin: Actor;

beforeAll(async () => {
  // Short re-checks so access changes take seconds; production is 30 s.
  process.env.BERTH_STREAM_RECHECK_MS = String(RECHECK_MS);
  await seedStarterCatalog();
  [t, other] = [await tenantWithOwner("live"), await tenantWithOwner("live-other")];
  admin = await makeActor("admin");
});

afterEach(() => {
  delete process.env.BERTH_STREAMS_PER_USER;
});

afterAll(async () => {
  delete process.env.BERTH_STREAM_RECHECK_MS;
  await cleanUpTenant(t);
  await cleanUpTenant(other);
});

interface SseEvent {
  event: string;
  data: string;
}

/** A client of GET /tenants/{id}/containers/states, reading the events as they come. */
async function open(token: string, tenantId: string, query = "") {
  const abort = new AbortController();
  // Kept with the client: undici links a Request's signal to the one it was given through a
  // weak reference to the Request's own controller, so a request collected by the GC would no
  // longer pass the abort on (the route keeps only req.signal).
  const req = new Request(`http://127.0.0.1/api/v1/tenants/${tenantId}/containers/states${query}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  const res = await statesRoute(req, { params: Promise.resolve({ tenantId }) });
  const events: SseEvent[] = [];
  let finished = false;
  const done =
    res.status === 200 && res.body
      ? (async () => {
          const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = "";
          try {
            for (;;) {
              const { value, done: end } = await reader.read();
              if (end) break;
              buffer += value;
              let at: number;
              while ((at = buffer.indexOf("\n\n")) !== -1) {
                const block = buffer.slice(0, at);
                buffer = buffer.slice(at + 2);
                const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
                const data = /^data: (.*)$/m.exec(block)?.[1];
                if (data !== undefined) events.push({ event, data });
              }
            }
          } catch {
            // aborted by the test
          }
          finished = true;
        })()
      : Promise.resolve();
  const states = (id: string) => events.filter((e) => e.event === "state" && JSON.parse(e.data).id === id).map((e) => JSON.parse(e.data));
  const waitFor = async (ok: () => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(ok()).toBe(true);
  };
  return { req, res, events, states, waitFor, done, finished: () => finished, close: () => abort.abort() };
}

async function tokenOf(actor: Actor): Promise<string> {
  return (await createTokenForSelf(actor, { name: "live", expiresInDays: 1 })).token;
}

const launchSleeper = (tenant: TestTenant, name: string) =>
  launchContainer(tenant.owner, tenant.id, { name, image: SHELL, command: ["sleep", "3600"], memoryMb: 32, cpuMillis: 100 });

describe("the live states stream", () => {
  it("sends every container's state at once, then only what changes: stop, start and a removal", async () => {
    const a = await launchSleeper(t, "live-a");
    const b = await launchSleeper(t, "live-b");
    const member = await makeUser("member", [{ tenantId: t.id, role: "member" }]);
    const s = await open(await tokenOf(await actorOf(member)), t.id);
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await s.waitFor(() => s.states(a.id).length === 1 && s.states(b.id).length === 1);
    expect(s.states(a.id)[0]).toEqual({ id: a.id, status: "running" });
    expect(openStreamCount({ userId: member.id })).toBe(1);

    await changeContainerState(t.owner, a.id, "stop");
    await s.waitFor(() => s.states(a.id).at(-1)?.status === "stopped");
    // A stopped container is reported once, with its exit code; b did not change, so nothing about b.
    await new Promise((r) => setTimeout(r, STATES_POLL_MS * 1.5));
    expect(s.states(a.id).map((x) => x.status)).toEqual(["running", "stopped"]);
    expect(s.states(a.id)[1]).toMatchObject({ exitCode: expect.any(Number) });
    expect(s.states(b.id)).toHaveLength(1);

    await changeContainerState(t.owner, a.id, "start");
    await s.waitFor(() => s.states(a.id).at(-1)?.status === "running");

    await removeContainer(t.owner, b.id);
    await s.waitFor(() => s.events.some((e) => e.event === "removed" && JSON.parse(e.data).id === b.id));
    const c = await launchSleeper(t, "live-c");
    await s.waitFor(() => s.states(c.id).length === 1);
    expect(s.finished()).toBe(false);

    s.close();
    await s.done;
    await new Promise((r) => setTimeout(r, 50));
    expect(openStreamCount({ userId: member.id })).toBe(0);
    await removeContainer(t.owner, a.id);
    await removeContainer(t.owner, c.id);
  });

  it("sends the health as the engine's probe changes it: starting, then the probe's answer", { timeout: 150_000 }, async () => {
    // The static web server's catalog entry has a healthcheck (every 10 s); on a loaded machine
    // the first answer can take a while. The stream is closed whatever happens, so a failure
    // here does not hold an open-stream slot into the next tests.
    const web = await launchContainer(t.owner, t.id, { name: "live-web", image: "berth/static-web:1", memoryMb: 32, cpuMillis: 100 });
    const s = await open(await tokenOf(t.owner), t.id, `?containerId=${web.id}`);
    try {
      await s.waitFor(() => s.states(web.id).length === 1);
      expect(s.states(web.id)[0]).toEqual({ id: web.id, status: "running", health: "starting" });
      await s.waitFor(() => ["healthy", "unhealthy"].includes(s.states(web.id).at(-1)?.health), 120_000);
      expect(s.states(web.id).at(-1)).toMatchObject({ status: "running", health: "healthy" });
    } finally {
      // Removing the container ends a stream narrowed to it (tested below), so its slot is free
      // for the next tests however this one went.
      s.close();
      await removeContainer(t.owner, web.id);
      await s.done;
    }
  });

  it("narrowed to one container, it ends when that container is removed, saying so", async () => {
    const a = await launchSleeper(t, "live-one");
    const b = await launchSleeper(t, "live-two");
    const s = await open(await tokenOf(t.owner), t.id, `?containerId=${a.id}`);
    await s.waitFor(() => s.states(a.id).length === 1);
    await changeContainerState(t.owner, b.id, "stop");
    await changeContainerState(t.owner, a.id, "restart");
    await removeContainer(t.owner, a.id);
    await s.waitFor(() => s.finished());
    expect(s.events.filter((e) => e.event === "state").every((e) => JSON.parse(e.data).id === a.id)).toBe(true);
    expect(s.events.at(-2)).toEqual({ event: "removed", data: JSON.stringify({ id: a.id }) });
    expect(s.events.at(-1)).toEqual({ event: "end", data: CONTAINER_REMOVED_REASON });
    expect(openStreamCount({ userId: t.owner.userId })).toBe(0);
    await removeContainer(t.owner, b.id);
  });

  it("is refused as the list would be: another tenant's is 404, an unknown container 404, unknown parameters 400; operators read", async () => {
    const a = await launchSleeper(t, "live-auth");
    const outsider = await open(await tokenOf(other.owner), t.id);
    expect(outsider.res.status).toBe(404);
    expect(openStreamCount({ userId: other.owner.userId })).toBe(0);
    // Another tenant's container through one's own tenant is not found either.
    const foreign = await launchSleeper(other, "live-foreign");
    expect((await open(await tokenOf(t.owner), t.id, `?containerId=${foreign.id}`)).res.status).toBe(404);
    expect((await open(await tokenOf(t.owner), t.id, "?follow=true")).res.status).toBe(400);
    expect(openStreamCount({ userId: t.owner.userId })).toBe(0);

    const operator = await makeActor("operator");
    const s = await open(await tokenOf(operator), t.id, `?containerId=${a.id}`);
    expect(s.res.status).toBe(200);
    await s.waitFor(() => s.states(a.id).length === 1);
    s.close();
    await s.done;
    await removeContainer(t.owner, a.id);
    await removeContainer(other.owner, foreign.id);
  });

  it("holds an open-stream slot: past the per-user limit it is 429", async () => {
    process.env.BERTH_STREAMS_PER_USER = "1";
    const token = await tokenOf(t.owner);
    const first = await open(token, t.id);
    expect(first.res.status).toBe(200);
    const second = await open(token, t.id);
    expect(second.res.status).toBe(429);
    expect(second.res.headers.get("retry-after")).toBe("5");
    first.close();
    await first.done;
    await new Promise((r) => setTimeout(r, 50));
    const third = await open(token, t.id);
    expect(third.res.status).toBe(200);
    third.close();
    await third.done;
  });
});

describe("while the reconciler follows the engine", () => {
  it("the stream is derived from the rows it keeps: a container that exits by itself is reported with its code", { timeout: 90_000 }, async () => {
    const globals = globalThis as unknown as { berthReconciler?: Reconciler };
    const reconciler = new Reconciler({ staleCreatingMs: 60_000 });
    reconciler.start();
    await reconciler.waitForPass(0);
    globals.berthReconciler = reconciler;
    try {
      expect(reconciler.rowsAreLive()).toBe(true);
      const c = await launchContainer(t.owner, t.id, {
        name: "live-quits",
        image: SHELL,
        command: ["sh", "-c", "sleep 4; exit 3"],
        memoryMb: 32,
        cpuMillis: 100,
      });
      const s = await open(await tokenOf(t.owner), t.id, `?containerId=${c.id}`);
      await s.waitFor(() => s.states(c.id).length === 1);
      expect(s.states(c.id)[0]).toEqual({ id: c.id, status: "running" });
      await s.waitFor(() => s.states(c.id).at(-1)?.status === "exited", 30_000);
      expect(s.states(c.id).at(-1)).toEqual({ id: c.id, status: "exited", exitCode: 3 });
      expect((await db.container.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("exited");
      // A row state the engine would contradict shows the source: the rows, not an engine call per poll.
      await reconciler.settle();
      await db.container.update({ where: { id: c.id }, data: { status: "dead" } });
      await s.waitFor(() => s.states(c.id).at(-1)?.status === "dead");
      s.close();
      await s.done;
      await removeContainer(t.owner, c.id);
    } finally {
      globals.berthReconciler = undefined;
      await reconciler.stop();
    }
  });
});

describe("the live states stream ends when the access that opened it ends", () => {
  it("a member removed from the tenant, a disabled user and a revoked token each lose it, told why", async () => {
    const a = await launchSleeper(t, "live-access");
    const removed = await makeUser("member", [{ tenantId: t.id, role: "member" }]);
    const disabled = await makeUser("member", [{ tenantId: t.id, role: "member" }]);
    const revoking = await makeUser("member", [{ tenantId: t.id, role: "member" }]);
    const revokingActor = await actorOf(revoking);
    const issued = await createTokenForSelf(revokingActor, { name: "live", expiresInDays: 1 });
    const streams = [
      await open(await tokenOf(await actorOf(removed)), t.id),
      await open(await tokenOf(await actorOf(disabled)), t.id, `?containerId=${a.id}`),
      await open(issued.token, t.id),
    ];
    await Promise.all(streams.map((s) => s.waitFor(() => s.states(a.id).length === 1)));
    await new Promise((r) => setTimeout(r, RECHECK_MS * 1.5));
    expect(streams.map((s) => s.finished())).toEqual([false, false, false]);

    const changedAt = Date.now();
    await updateUser(admin, removed.id, { memberships: [] });
    await updateUser(admin, disabled.id, { disabled: true });
    await revokeToken(revokingActor, issued.id);
    await Promise.all(streams.map((s) => s.waitFor(() => s.finished(), 30_000)));
    console.log(`[live] access changes ended the states streams after ${Date.now() - changedAt} ms (re-check every ${RECHECK_MS} ms)`);
    expect(streams.map((s) => s.events.at(-1))).toEqual([
      { event: "end", data: TENANT_ACCESS_ENDED_REASON },
      { event: "end", data: "Your account was disabled or removed, or its password changed." },
      { event: "end", data: "The API token was revoked. This stream was opened with it." },
    ]);
    // The member who lost access was not told that the containers were removed.
    expect(streams[0].events.some((e) => e.event === "removed")).toBe(false);
    expect(openStreamCount({ userId: removed.id }) + openStreamCount({ userId: disabled.id }) + openStreamCount({ userId: revoking.id })).toBe(0);
    await removeContainer(t.owner, a.id);
  });
});
