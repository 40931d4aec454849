import { execFileSync } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as getContainerRoute, DELETE as deleteContainerRoute } from "@/app/api/v1/containers/[containerId]/route";
import { GET as logsRoute } from "@/app/api/v1/containers/[containerId]/logs/route";
import { POST as restartRoute } from "@/app/api/v1/containers/[containerId]/restart/route";
import { POST as startRoute } from "@/app/api/v1/containers/[containerId]/start/route";
import { GET as statsRoute } from "@/app/api/v1/containers/[containerId]/stats/route";
import { POST as stopRoute } from "@/app/api/v1/containers/[containerId]/stop/route";
import { logLinesAsEvents } from "@/lib/api/sse";
import type { Actor } from "@/lib/auth/actor";
import { actorFromBearer } from "@/lib/auth/bearer";
import { db } from "@/lib/db";
import { docker } from "@/lib/docker/client";
import { statsFromSample } from "@/lib/docker/stats";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { changeContainerState, containerLogs, containerStats, getContainer, removeContainer } from "@/lib/services/containers";
import { getHealth } from "@/lib/services/health";
import { launchContainer } from "@/lib/services/launch-container";
import { createTokenForSelf, revokeToken } from "@/lib/services/tokens";
import { updateUser } from "@/lib/services/users";
import { openStreamCount } from "@/lib/streams/open-streams";
import { codeOf, makeActor, makeUser, actorOf } from "./fixtures";
import { cleanUpTenant, expectHardened, tenantWithOwner, type TestTenant } from "./tenancy";

const SHELL = "berth/shell:1";
const RECHECK_MS = 1000;

let t: TestTenant;
let admin: Actor;

beforeAll(async () => {
  // Short re-checks so revocation tests take seconds; production is 30 s.
  process.env.BERTH_STREAM_RECHECK_MS = String(RECHECK_MS);
  await seedStarterCatalog();
  t = await tenantWithOwner("streams");
  admin = await makeActor("admin");
});

afterEach(() => {
  delete process.env.BERTH_STREAMS_PER_USER;
});

afterAll(async () => {
  delete process.env.BERTH_STREAM_RECHECK_MS;
  await cleanUpTenant(t);
});

/** A caller following a container's logs through the service and the SSE relay, as the route does. */
interface Follower {
  bytes: number;
  events: number;
  seen: (text: string) => boolean;
  endReason?: string;
  done: Promise<void>;
  close: () => void;
}

async function follow(actor: Actor, containerId: string, watchFor: string[] = []): Promise<Follower> {
  const abort = new AbortController();
  const logs = await containerLogs(actor, containerId, { tail: 200, timestamps: false, follow: true }, abort.signal);
  const reader = logLinesAsEvents(logs, abort.signal).getReader();
  const decoder = new TextDecoder();
  const found = new Set<string>();
  let carry = "";
  const f: Follower = {
    bytes: 0,
    events: 0,
    seen: (text) => found.has(text),
    done: Promise.resolve(),
    close: () => abort.abort(),
  };
  f.done = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      f.bytes += value.byteLength;
      // Only the edges of a chunk are kept between reads: a marker may straddle two chunks.
      const fresh = decoder.decode(value, { stream: true });
      const text = carry + fresh;
      for (const marker of watchFor) if (text.includes(marker)) found.add(marker);
      f.events += ((carry.slice(-1) + fresh).match(/\n\n/g) ?? []).length;
      const end = /event: end\ndata: (.*)\n\n/.exec(text);
      if (end) f.endReason = end[1];
      carry = text.slice(-256);
    }
  })();
  return f;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const params = (containerId: string) => ({ params: Promise.resolve({ containerId }) });
const bearer = (token: string, init: RequestInit = {}) => ({ ...init, headers: { authorization: `Bearer ${token}` } });
const url = (path: string) => `http://127.0.0.1/api/v1/${path}`;

async function dockerIdOf(containerId: string): Promise<string> {
  return (await db.container.findUniqueOrThrow({ where: { id: containerId } })).dockerId ?? "";
}

describe("a container that floods its log cannot freeze the portal", () => {
  it("64 MiB without a newline, followed by two clients: the event loop and the health endpoint stay responsive", { timeout: 180_000 }, async () => {
    const c = await launchContainer(t.owner, t.id, {
      name: "flood",
      image: SHELL,
      // The pause lets both clients attach before the flood, so they relay all of it live.
      command: ["sh", "-c", "sleep 3; head -c 67108864 /dev/zero | tr '\\0' 'x'; echo; echo FLOOD-DONE; sleep 3600"],
      memoryMb: 64,
      cpuMillis: 1000,
    });
    await expectHardened(c.id);
    const clients = [await follow(t.owner, c.id, ["FLOOD-DONE"]), await follow(t.owner, c.id, ["FLOOD-DONE"])];
    expect(openStreamCount({ userId: t.owner.userId })).toBe(2);

    const healthMs: number[] = [];
    const lagMs: number[] = [];
    let measuring = true;
    const started = performance.now();
    const lag = (async () => {
      while (measuring) {
        const at = performance.now();
        await new Promise((r) => setTimeout(r, 10));
        lagMs.push(performance.now() - at - 10);
      }
    })();
    const health = (async () => {
      while (measuring) {
        const at = performance.now();
        const answer = await getHealth();
        healthMs.push(performance.now() - at);
        expect(answer.db).toBe("ok");
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const deadline = Date.now() + 150_000;
    while (!clients.every((f) => f.seen("FLOOD-DONE")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    measuring = false;
    await Promise.all([lag, health]);
    const seconds = (performance.now() - started) / 1000;

    const figures = {
      seconds: Math.round(seconds * 10) / 10,
      mibPerClient: clients.map((f) => Math.round((f.bytes / 2 ** 20) * 10) / 10),
      eventsPerClient: clients.map((f) => f.events),
      health: {
        samples: healthMs.length,
        p50: round(percentile(healthMs, 50)),
        p95: round(percentile(healthMs, 95)),
        max: round(Math.max(...healthMs)),
      },
      eventLoopLag: { samples: lagMs.length, p50: round(percentile(lagMs, 50)), p95: round(percentile(lagMs, 95)), max: round(Math.max(...lagMs)) },
    };
    console.log("[bench] log flood, 64 MiB without newline, 2 followers:", JSON.stringify(figures));

    expect(clients.every((f) => f.seen("FLOOD-DONE"))).toBe(true);
    // Every client relayed megabytes of it, cut into events no longer than the line cap.
    for (const f of clients) expect(f.bytes).toBeGreaterThan(8 * 2 ** 20);
    expect(figures.health.p95).toBeLessThan(200);
    expect(figures.eventLoopLag.p95).toBeLessThan(200);

    for (const f of clients) f.close();
    await Promise.all(clients.map((f) => f.done));
    await new Promise((r) => setTimeout(r, 50));
    expect(openStreamCount({ userId: t.owner.userId })).toBe(0);
    await removeContainer(t.owner, c.id);
  });
});

describe("an open log stream ends when the access that opened it ends", () => {
  it("a revoked token's stream ends within the re-check interval, saying why", async () => {
    const member = await makeUser("member", [{ tenantId: t.id, role: "member" }]);
    const self = await actorOf(member);
    const issued = await createTokenForSelf(self, { name: "stream", expiresInDays: 1 });
    const tokenActor = await actorFromBearer(new Headers({ authorization: `Bearer ${issued.token}` }));
    expect(tokenActor).toMatchObject({ kind: "token", tokenId: issued.id });
    const c = await launchContainer(t.owner, t.id, {
      name: "ticker",
      image: SHELL,
      command: ["sh", "-c", "while true; do echo tick; sleep 0.2; done"],
      memoryMb: 32,
      cpuMillis: 100,
    });

    const f = await follow(tokenActor, c.id, ["tick"]);
    await new Promise((r) => setTimeout(r, RECHECK_MS * 2.5));
    expect(f.endReason).toBeUndefined();
    expect(f.seen("tick")).toBe(true);

    await revokeToken(self, issued.id);
    const revokedAt = Date.now();
    await Promise.race([f.done, new Promise((r) => setTimeout(r, 60_000))]);
    const tookMs = Date.now() - revokedAt;
    console.log(`[streams] revoked token's stream ended after ${tookMs} ms (re-check every ${RECHECK_MS} ms)`);
    expect(f.endReason).toBe("The API token was revoked. This stream was opened with it.");
    expect(tookMs).toBeLessThan(60_000);
    expect(openStreamCount({ userId: member.id })).toBe(0);
    // A new request with the token is refused too.
    expect(await codeOf(actorFromBearer(new Headers({ authorization: `Bearer ${issued.token}` })))).toBe("unauthorized");
    await removeContainer(t.owner, c.id);
  });

  it("a user removed from the tenant loses the stream; a disabled user too", async () => {
    const c = await launchContainer(t.owner, t.id, {
      name: "ticker2",
      image: SHELL,
      command: ["sh", "-c", "while true; do echo tick; sleep 0.2; done"],
      memoryMb: 32,
      cpuMillis: 100,
    });
    const removed = await makeUser("member", [{ tenantId: t.id, role: "member" }]);
    const disabled = await makeUser("member", [{ tenantId: t.id, role: "member" }]);
    const [f1, f2] = [await follow(await actorOf(removed), c.id), await follow(await actorOf(disabled), c.id)];
    await new Promise((r) => setTimeout(r, RECHECK_MS * 1.5));
    expect([f1.endReason, f2.endReason]).toEqual([undefined, undefined]);

    const changedAt = Date.now();
    await updateUser(admin, removed.id, { memberships: [] });
    await updateUser(admin, disabled.id, { disabled: true });
    await Promise.race([Promise.all([f1.done, f2.done]), new Promise((r) => setTimeout(r, 60_000))]);
    console.log(`[streams] membership removal and disabling ended the streams after ${Date.now() - changedAt} ms`);
    expect(f1.endReason).toBe("You can no longer see this container: it was removed, or your access to its tenant ended.");
    expect(f2.endReason).toBe("Your account was disabled or removed, or its password changed; sign in again.");
    expect(openStreamCount({ userId: removed.id }) + openStreamCount({ userId: disabled.id })).toBe(0);
    await removeContainer(t.owner, c.id);
  });
});

describe("open streams are limited per user", () => {
  it("past the limit a new stream is 429 rate_limited with Retry-After; closing one frees a slot", async () => {
    process.env.BERTH_STREAMS_PER_USER = "2";
    const member = await makeUser("member", [{ tenantId: t.id, role: "member" }]);
    const { token } = await createTokenForSelf(await actorOf(member), { name: "limit", expiresInDays: 1 });
    const c = await launchContainer(t.owner, t.id, { name: "quiet", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    const open = async () => {
      const abort = new AbortController();
      const res = await logsRoute(new Request(url(`containers/${c.id}/logs?follow=true`), bearer(token, { signal: abort.signal })), params(c.id));
      return { res, abort };
    };
    const first = await open();
    const second = await open();
    expect([first.res.status, second.res.status]).toEqual([200, 200]);
    expect(first.res.headers.get("content-type")).toMatch(/^text\/event-stream/);

    const third = await open();
    expect(third.res.status).toBe(429);
    expect(third.res.headers.get("retry-after")).toBe("5");
    const body = (await third.res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("rate_limited");
    expect(body.error.message).toMatch(/You already have 2 streams open .*limit is 2 per user.*Close one/);
    // The download (no follow) is not a stream: still served.
    expect((await logsRoute(new Request(url(`containers/${c.id}/logs`), bearer(token)), params(c.id))).status).toBe(200);

    first.abort.abort();
    await first.res.body?.cancel().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(openStreamCount({ userId: member.id })).toBe(1);
    const again = await open();
    expect(again.res.status).toBe(200);

    for (const s of [second, again]) {
      s.abort.abort();
      await s.res.body?.cancel().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(openStreamCount({ userId: member.id })).toBe(0);
    await removeContainer(t.owner, c.id);
  });
});

describe("the log download", () => {
  it("strips terminal escapes unless raw=true; raw with follow and unknown parameters are refused", async () => {
    const c = await launchContainer(t.owner, t.id, {
      name: "colours",
      image: SHELL,
      command: ["sh", "-c", "printf '\\033[31mred\\033[0m\\r\\n\\033]0;pwned\\007ok\\n'; sleep 3600"],
      memoryMb: 32,
      cpuMillis: 100,
    });
    const { token } = await createTokenForSelf(t.owner, { name: "download", expiresInDays: 1 });
    const download = async (query: string) => logsRoute(new Request(url(`containers/${c.id}/logs?${query}`), bearer(token)), params(c.id));
    let clean = "";
    for (let i = 0; i < 20 && !clean.includes("ok"); i++) {
      clean = await (await download("tail=10")).text();
      if (!clean.includes("ok")) await new Promise((r) => setTimeout(r, 150));
    }
    expect(clean).toBe("red\nok\n");
    expect(await (await download("tail=10&raw=true")).text()).toBe("\x1b[31mred\x1b[0m\r\n\x1b]0;pwned\x07ok\n");
    const both = await download("raw=true&follow=true");
    expect(both.status).toBe(400);
    expect(((await both.json()) as { error: { message: string } }).error.message).toMatch(/raw=true applies to the download only/);
    expect((await download("tail=10&bogus=1")).status).toBe(400);
    await removeContainer(t.owner, c.id);
  });
});

describe("a container that disappears or stops mid-request is a 404 or 409, never a 500", () => {
  it("removed behind Berth's back: every container endpoint answers with a message", async () => {
    const c = await launchContainer(t.owner, t.id, { name: "vanish", image: SHELL, memoryMb: 32, cpuMillis: 100 });
    const { token } = await createTokenForSelf(t.owner, { name: "race", expiresInDays: 1 });
    execFileSync("docker", ["rm", "-f", await dockerIdOf(c.id)]);

    const answers: Record<string, { status: number; body: string }> = {};
    const call = async (name: string, res: Promise<Response>) => {
      const r = await res;
      answers[name] = { status: r.status, body: await r.text() };
    };
    await call("get", getContainerRoute(new Request(url(`containers/${c.id}`), bearer(token)), params(c.id)));
    for (const [name, route] of [
      ["start", startRoute],
      ["stop", stopRoute],
      ["restart", restartRoute],
    ] as const) {
      await call(name, route(new Request(url(`containers/${c.id}/${name}`), bearer(token, { method: "POST" })), params(c.id)));
    }
    await call("logs", logsRoute(new Request(url(`containers/${c.id}/logs`), bearer(token)), params(c.id)));
    await call("follow", logsRoute(new Request(url(`containers/${c.id}/logs?follow=true`), bearer(token)), params(c.id)));
    await call("stats", statsRoute(new Request(url(`containers/${c.id}/stats`), bearer(token)), params(c.id)));
    await call("delete", deleteContainerRoute(new Request(url(`containers/${c.id}`), bearer(token, { method: "DELETE" })), params(c.id)));

    expect(answers.get.status).toBe(200);
    expect(JSON.parse(answers.get.body)).toMatchObject({ status: "missing" });
    for (const name of ["start", "stop", "restart", "logs", "follow", "stats"]) {
      expect({ name, status: answers[name].status }).toEqual({ name, status: 404 });
      expect(JSON.parse(answers[name].body)).toMatchObject({ error: { code: "not_found", message: expect.any(String) } });
    }
    expect(answers.delete.status).toBe(204);
    expect(openStreamCount({ userId: t.owner.userId })).toBe(0);
  });

  it("stopped behind Berth's back: stats are zeros with the limit; the engine's stopped-container sample does not break statsFromSample", async () => {
    const c = await launchContainer(t.owner, t.id, { name: "halted", image: SHELL, memoryMb: 48, cpuMillis: 100 });
    const dockerId = await dockerIdOf(c.id);
    execFileSync("docker", ["kill", dockerId]);
    expect(await containerStats(t.owner, c.id)).toEqual({
      cpuPercent: 0,
      memoryBytes: 0,
      memoryLimitBytes: 48 * 2 ** 20,
      pids: 0,
      netRxBytes: 0,
      netTxBytes: 0,
    });
    // What the engine sends when the container stopped between the inspect and the sample.
    const sample = await docker().getContainer(dockerId).stats({ stream: false });
    expect(() => statsFromSample(sample)).not.toThrow();
    // A followed log of a stopped container ends at once, saying why.
    const f = await follow(t.owner, c.id);
    await f.done;
    expect(f.endReason).toBe("The container stopped or was removed; the log ends here.");
    expect(openStreamCount({ userId: t.owner.userId })).toBe(0);
    await removeContainer(t.owner, c.id);
  });

  it("racing requests against a container that exits and is removed: only answers or not_found/conflict", { timeout: 60_000 }, async () => {
    const c = await launchContainer(t.owner, t.id, { name: "racer", image: SHELL, command: ["sh", "-c", "sleep 1"], memoryMb: 32, cpuMillis: 100 });
    const dockerId = await dockerIdOf(c.id);
    const outcomes: string[] = [];
    const hammer = async (until: number) => {
      while (Date.now() < until) {
        for (const call of [
          () => containerStats(t.owner, c.id),
          () => getContainer(t.owner, c.id),
          () => containerLogs(t.owner, c.id, { tail: 5, timestamps: false, follow: false }).then((s) => s.destroy()),
        ]) {
          outcomes.push(await codeOf(call()));
        }
      }
    };
    // Several callers at once while the container exits by itself, then is removed behind Berth's back.
    const until = Date.now() + 4000;
    const removal = new Promise((r) => setTimeout(r, 2500)).then(() => execFileSync("docker", ["rm", "-f", dockerId]));
    await Promise.all([hammer(until), hammer(until), hammer(until), removal]);
    expect(outcomes.length).toBeGreaterThan(30);
    expect(outcomes.filter((o) => !["resolved", "not_found", "conflict"].includes(o))).toEqual([]);
    expect(await codeOf(changeContainerState(t.owner, c.id, "start"))).toBe("not_found");
    await removeContainer(t.owner, c.id);
  });
});
