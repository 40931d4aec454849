import { execFileSync } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Actor } from "@/lib/auth/actor";
import { actorFromBearer } from "@/lib/auth/bearer";
import { handleConsoleUpgrade } from "@/lib/console/server";
import { db } from "@/lib/db";
import { docker } from "@/lib/docker/client";
import { verifyExecInspect } from "@/lib/policy";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { openConsole } from "@/lib/services/console";
import { changeContainerState } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";
import { createTokenForSelf, revokeToken } from "@/lib/services/tokens";
import { codeOf, makeActor } from "./fixtures";
import { cleanUpTenant, tenantWithOwner, type TestTenant } from "./tenancy";

/**
 * The console's WebSocket for real: the upgrade handler the portal's server uses, on a plain
 * HTTP server, a real daemon's exec and a real shell, through the `ws` client.
 */

const RECHECK_MS = 500;
let server: http.Server;
let base: string;
let a: TestTenant;
let b: TestTenant;
let containerId: string;

interface Session {
  ws: WebSocket;
  output: () => string;
  closed: Promise<{ code: number; reason: string }>;
  type: (text: string) => void;
}

/** Opens the console's WebSocket; rejects with the HTTP status when the upgrade is refused. */
function connect(url: string, headers: Record<string, string> = {}): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    let out = "";
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.on("close", (code, reason) => done({ code, reason: reason.toString() })),
    );
    ws.on("message", (data) => (out += Buffer.from(data as Buffer).toString("utf8")));
    ws.on("unexpected-response", (_req, res) => reject(Object.assign(new Error(`refused ${res.statusCode}`), { status: res.statusCode })));
    ws.on("error", reject);
    ws.on("open", () => resolve({ ws, output: () => out, closed, type: (text) => ws.send(Buffer.from(text), { binary: true }) }));
  });
}

async function waitFor(session: Session, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(session.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(session.output()).toMatch(pattern);
  return session.output();
}

const statusOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 101,
    (e: { status?: number }) => e.status ?? 0,
  );

async function ticketFor(actor: Actor, size: object = {}) {
  return (await openConsole(actor, containerId, size, base)).url;
}

beforeAll(async () => {
  process.env.BERTH_STREAM_RECHECK_MS = String(RECHECK_MS);
  await seedStarterCatalog();
  a = await tenantWithOwner("console");
  b = await tenantWithOwner("console-b");
  const c = await launchContainer(a.owner, a.id, {
    name: "box",
    image: "berth/shell:1",
    command: ["sh", "-c", "sleep 3600"],
    memoryMb: 32,
    cpuMillis: 100,
  });
  containerId = c.id;
  server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on("upgrade", (req, socket, head) => {
    void handleConsoleUpgrade(req, socket, head).then((took) => {
      if (!took) socket.destroy();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  delete process.env.BERTH_STREAM_RECHECK_MS;
  server?.close();
  await cleanUpTenant(a);
  await cleanUpTenant(b);
}, 60_000);

describe("a console in a running container (real daemon, real WebSocket)", () => {
  it("runs a shell as the tenant's user with no capabilities, sized as asked, through an exec that passes the verifier; closing records console.close", async () => {
    const session = await connect(await ticketFor(a.owner, { cols: 100, rows: 30 }));
    session.type("id -u\n");
    await waitFor(session, new RegExp(`\\n${a.uid}\\r?\\n`));
    session.type("grep -E 'CapEff|NoNewPrivs' /proc/self/status\n");
    await waitFor(session, /CapEff:\s+0000000000000000/);
    expect(session.output()).toMatch(/NoNewPrivs:\s+1/);
    session.type("stty size\n");
    await waitFor(session, /\n30 100\r?\n/);
    session.ws.send(JSON.stringify({ type: "resize", cols: 120, rows: 40 }));
    await new Promise((r) => setTimeout(r, 200));
    session.type("stty size\n");
    await waitFor(session, /\n40 120\r?\n/);

    // Every exec Berth made in the container checks out: the tenant's uid, never privileged (O5).
    const row = await db.container.findUniqueOrThrow({ where: { id: containerId } });
    const execIds = JSON.parse(execFileSync("docker", ["inspect", "-f", "{{json .ExecIDs}}", row.dockerId ?? ""], { encoding: "utf8" })) as string[];
    expect(execIds.length).toBeGreaterThan(0);
    for (const id of execIds) {
      expect(verifyExecInspect(await docker().getExec(id).inspect(), { uid: a.uid, gid: a.uid })).toEqual([]);
    }

    session.type("exit\n");
    expect((await session.closed).code).toBe(1000);
    const close = await db.activityEvent.findFirst({ where: { action: "console.close", tenantId: a.id }, orderBy: { seq: "desc" } });
    const details = JSON.parse(close?.details ?? "{}") as { bytesIn: number; bytesOut: number; durationMs: number; code: number };
    expect(details).toMatchObject({ code: 1000, bytesIn: expect.any(Number), bytesOut: expect.any(Number), durationMs: expect.any(Number) });
    expect(details.bytesIn).toBeGreaterThan(10);
    // Never the content.
    expect(close?.details).not.toContain("CapEff");
    expect(await db.activityEvent.count({ where: { action: "console.open", outcome: "allowed", tenantId: a.id } })).toBeGreaterThan(0);
  }, 60_000);

  it("refuses before the upgrade: a ticket used twice, an expired ticket, a foreign Origin; and no ticket for another tenant or an operator", async () => {
    const url = await ticketFor(a.owner);
    const first = await connect(url);
    expect(await statusOf(connect(url))).toBe(401);
    first.ws.close();

    const expired = await ticketFor(a.owner);
    await db.consoleTicket.updateMany({ where: { usedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await statusOf(connect(expired))).toBe(401);

    const foreign = await ticketFor(a.owner);
    expect(await statusOf(connect(foreign, { Origin: "https://evil.example" }))).toBe(403);
    // The ticket was not spent by the refused attempt; the right Origin still gets in.
    const ok = await connect(foreign, { Origin: base.replace(/^ws:/, "http:") });
    ok.ws.close();

    expect(await codeOf(openConsole(b.owner, containerId, {}, base))).toBe("not_found");
    const operator = await makeActor("operator", [{ tenantId: a.id, role: "member" }]);
    expect(await codeOf(openConsole(operator, containerId, {}, base))).toBe("forbidden");
    expect(await codeOf(openConsole(a.owner, containerId, { cols: 5000 }, base))).toBe("validation_failed");
    const denied = await db.activityEvent.findMany({ where: { action: "console.open", outcome: "denied" }, select: { reason: true } });
    const reasons = denied.map((e) => e.reason ?? "").join("\n");
    expect(reasons).toContain("used already");
    expect(reasons).toContain("expired");
    expect(reasons).toContain("cannot be opened from https://evil.example");
    expect(reasons).toContain("Operators review tenants");
  }, 60_000);

  it("caps the consoles open at once per tenant (429 before the upgrade) and closes an idle one with 4000", async () => {
    process.env.BERTH_CONSOLES_PER_TENANT = "1";
    process.env.BERTH_CONSOLE_IDLE_MINUTES = "0.01"; // 0.6 s
    try {
      const first = await connect(await ticketFor(a.owner));
      expect(await statusOf(connect(await ticketFor(a.owner)))).toBe(429);
      const closed = await first.closed;
      expect(closed.code).toBe(4000);
      expect(closed.reason).toMatch(/No input/);
      // Its slot is free again.
      (await connect(await ticketFor(a.owner))).ws.close();
    } finally {
      delete process.env.BERTH_CONSOLES_PER_TENANT;
      delete process.env.BERTH_CONSOLE_IDLE_MINUTES;
    }
  }, 60_000);

  it("stops reading the browser while the shell does not read (no unbounded buffering of a paste)", async () => {
    const session = await connect(await ticketFor(a.owner));
    // Raw mode: a full terminal holds input back (canonical mode would drop what overflows a line).
    session.type("stty raw -echo; sleep 30\n");
    await new Promise((r) => setTimeout(r, 300));
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 320; i++) session.ws.send(chunk, { binary: true }); // 20 MiB
    await new Promise((r) => setTimeout(r, 2000));
    // The portal took no more than the terminal and the sockets hold: the rest waits on this side.
    expect(session.ws.bufferedAmount).toBeGreaterThan(10 * 1024 * 1024);
    session.ws.terminate();
  }, 60_000);

  it("relays at most BERTH_CONSOLE_KIB_PER_SECOND each way, a second's worth at once, and loses nothing", async () => {
    process.env.BERTH_CONSOLE_KIB_PER_SECOND = "64";
    try {
      const session = await connect(await ticketFor(a.owner));
      session.type("echo ready-$((1 + 1))\n");
      await waitFor(session, /ready-2/);
      const count = (text: string) => text.split("Q").length - 1;
      // Output: 320 KiB printed at once. The relay passes a chunk on, then waits out what it
      // overdrew, so at least (320 - 64 burst - 64 last chunks) / 64 = 3 s.
      let began = Date.now();
      session.type("head -c 327680 /dev/zero | tr '\\0' Q; echo; echo out-$((2 + 3))\n");
      await waitFor(session, /out-5/, 20_000); // not in the echoed command line
      const outputMs = Date.now() - began;
      expect(count(session.output())).toBeGreaterThanOrEqual(327680);
      expect(outputMs).toBeGreaterThanOrEqual(2500);
      // Input: 320 KiB typed into a reader that prints nothing back. The relay stops reading
      // the browser when over the cap; what the socket already read (up to one read's worth)
      // still goes, so at least (320 - 64 - 64) / 64 = 3 s.
      session.type("stty raw -echo; head -c 327680 >/dev/null; stty sane; echo in-$((3 + 4))\n");
      await new Promise((r) => setTimeout(r, 300));
      began = Date.now();
      for (let i = 0; i < 20; i++) session.type("y".repeat(16 * 1024));
      await waitFor(session, /in-7/, 20_000);
      expect(Date.now() - began).toBeGreaterThanOrEqual(2500);
      session.ws.close();
      await session.closed;
    } finally {
      delete process.env.BERTH_CONSOLE_KIB_PER_SECOND;
    }
  }, 60_000);

  it("closes with 4001 within the re-check when the caller's token is revoked", async () => {
    const issued = await createTokenForSelf(a.owner, { name: "console", expiresInDays: 1 });
    const tokenActor = await actorFromBearer(new Headers({ authorization: `Bearer ${issued.token}` }));
    const session = await connect(await ticketFor(tokenActor));
    session.type("echo ready\n");
    await waitFor(session, /\nready\r?\n/);
    const revokedAt = Date.now();
    await revokeToken(a.owner, issued.id);
    const closed = await session.closed;
    expect(closed.code).toBe(4001);
    expect(closed.reason).toMatch(/revoked/i);
    expect(Date.now() - revokedAt).toBeLessThan(RECHECK_MS * 4 + 2000);
  }, 60_000);

  it("closes with 4003 at once when the container stops", async () => {
    const session = await connect(await ticketFor(a.owner));
    session.type("echo ready\n");
    await waitFor(session, /\nready\r?\n/);
    await changeContainerState(a.owner, containerId, "stop");
    const closed = await session.closed;
    expect(closed.code).toBe(4003);
    // Not running: no ticket at all.
    expect(await codeOf(openConsole(a.owner, containerId, {}, base))).toBe("conflict");
  }, 60_000);
});
