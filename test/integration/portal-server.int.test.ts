import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EDGE_FILES, readIngressSettings } from "@/lib/ingress/settings";

/**
 * scripts/portal-server.cjs without Next: its listeners (the TCP port and the edge's unix
 * socket, with their permissions and peer stamping) serve a handler that echoes the peer
 * header, so no build is needed. main() adds only Next's handlers to what is tested here.
 */
interface Listeners {
  tcpAddress: AddressInfo;
  socketPath: string | null;
  close(): Promise<void>;
}
interface PortalServer {
  startListeners(options: {
    handler: http.RequestListener;
    upgrade?: (req: http.IncomingMessage, socket: import("node:stream").Duplex, head: Buffer) => Promise<void>;
    tcp: { host: string; port: number };
    socketPath?: string | null;
    log?: (line: string) => void;
  }): Promise<Listeners>;
  listenSettings(env: NodeJS.ProcessEnv, cwd: string): { host: string; port: number; socketPath: string | null };
}
const requireCjs = createRequire(import.meta.url);
const portalServer = requireCjs("../../scripts/portal-server.cjs") as PortalServer;

const echoPeer: http.RequestListener = (req, res) => {
  res.setHeader("content-type", "application/json");
  res.end(
    JSON.stringify({ peer: req.headers["x-berth-peer"], raw: req.rawHeaders.filter((_, i, all) => all[i - 1]?.toLowerCase() === "x-berth-peer") }),
  );
};

type Target = { socketPath: string } | { host: string; port: number };
function get(target: Target, headers: Record<string, string> = {}): Promise<{ status: number; body: { peer?: string; raw: string[] } }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ ...target, path: "/", headers, agent: false }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
    });
    req.on("error", reject);
    req.end();
  });
}

const mode = (p: string) => statSync(p).mode & 0o777;
const isRoot = process.getuid?.() === 0;

let base: string;
const open: Listeners[] = [];
const lines: string[] = [];
async function start(socketPath: string | null, tcp = { host: "127.0.0.1", port: 0 }): Promise<Listeners> {
  const listeners = await portalServer.startListeners({ handler: echoPeer, tcp, socketPath, log: (line) => lines.push(line) });
  open.push(listeners);
  return listeners;
}

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), "berth-portal-server-"));
  // Other users (the edge's uid in one test) must be able to walk down to their own folder.
  chmodSync(base, 0o755);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
  lines.length = 0;
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
/** A fresh edge folder's socket path: <base>/edge-N/run/portal.sock. */
const freshSocket = () => path.join(base, `edge-${++n}`, EDGE_FILES.portalSocket);

describe("portal-server listeners", () => {
  it("stamps a request on the unix socket 'edge', over whatever the client sent", async () => {
    const socketPath = freshSocket();
    await start(socketPath);
    expect((await get({ socketPath })).body).toEqual({ peer: "edge", raw: ["edge"] });
    const spoofed = await get({ socketPath }, { "x-berth-peer": "203.0.113.9", "X-Berth-Peer": "127.0.0.1" });
    expect(spoofed.body).toEqual({ peer: "edge", raw: ["edge"] });
  });

  it("stamps a TCP request with its peer address, over whatever the client sent", async () => {
    const { tcpAddress } = await start(null);
    expect((await get({ host: "127.0.0.1", port: tcpAddress.port })).body.peer).toBe("127.0.0.1");
    const spoofed = await get({ host: "127.0.0.1", port: tcpAddress.port }, { "x-berth-peer": "edge" });
    expect(spoofed.body).toEqual({ peer: "127.0.0.1", raw: ["127.0.0.1"] });
  });

  it("serves both at once, each stamped for itself, and logs one line per listener", async () => {
    const socketPath = freshSocket();
    const { tcpAddress } = await start(socketPath);
    expect((await get({ socketPath })).body.peer).toBe("edge");
    expect((await get({ host: "127.0.0.1", port: tcpAddress.port })).body.peer).toBe("127.0.0.1");
    expect(lines).toEqual([
      `portal listening on http://127.0.0.1:${tcpAddress.port} (direct http: local scripts and tests)`,
      `portal listening on unix:${socketPath} for the edge (mode 0600, uid ${process.getuid?.()})`,
    ]);
  });

  it("creates the run folder 0700 and the socket 0600, both the folder owner's", async () => {
    const socketPath = freshSocket();
    await start(socketPath);
    const runDir = path.dirname(socketPath);
    expect(mode(runDir)).toBe(0o700);
    expect(lstatSync(socketPath).isSocket()).toBe(true);
    expect(mode(socketPath)).toBe(0o600);
    expect(lstatSync(socketPath).uid).toBe(statSync(runDir).uid);
    // The edge folder above keeps its default mode: only the run folder is closed.
    expect(mode(path.dirname(runDir))).not.toBe(0o700);
  });

  it("closes an existing run folder to 0700", async () => {
    const socketPath = freshSocket();
    mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o755 });
    chmodSync(path.dirname(socketPath), 0o755);
    await start(socketPath);
    expect(mode(path.dirname(socketPath))).toBe(0o700);
  });

  it.runIf(isRoot)("as root, gives the socket to the run folder's owner: that uid can connect, another cannot", async () => {
    const [edgeUid, edgeGid, strangerUid] = [65534, 65534, 65533];
    const socketPath = freshSocket();
    const runDir = path.dirname(socketPath);
    // Only the run folder is closed; its parents stay walkable (mkdir's mode would apply to each).
    mkdirSync(path.dirname(runDir));
    mkdirSync(runDir, { mode: 0o700 });
    chownSync(runDir, edgeUid, edgeGid);
    await start(socketPath);
    expect(lstatSync(socketPath)).toMatchObject({ uid: edgeUid, gid: edgeGid });
    expect(mode(socketPath)).toBe(0o600);

    // A real connection as each user, from a process of their own.
    const probe = (uid: number) =>
      spawnSync(
        process.execPath,
        [
          "-e",
          `require("net").connect(${JSON.stringify(socketPath)}).on("connect", () => process.exit(0)).on("error", (e) => { console.log(e.code); process.exit(3); })`,
        ],
        { uid, gid: uid, encoding: "utf8", timeout: 10_000 },
      );
    const edgeProbe = probe(edgeUid);
    expect(edgeProbe, edgeProbe.stdout + edgeProbe.stderr).toMatchObject({ status: 0 });
    const stranger = probe(strangerUid);
    expect(stranger.status).toBe(3);
    expect(stranger.stdout.trim()).toBe("EACCES");
  });

  it("replaces a stale socket left by a crashed server", async () => {
    const socketPath = freshSocket();
    mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
    // A server killed without closing leaves its socket file behind.
    const crashed = spawn(process.execPath, [
      "-e",
      `require("net").createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, "SIGKILL"))`,
    ]);
    await new Promise((resolve) => crashed.on("exit", resolve));
    expect(lstatSync(socketPath).isSocket()).toBe(true);
    await expect(get({ socketPath })).rejects.toThrow(/ECONNREFUSED/);

    await start(socketPath);
    expect(mode(socketPath)).toBe(0o600);
    expect((await get({ socketPath })).body.peer).toBe("edge");
  });

  it("refuses a socket another server still answers on, and leaves it alone", async () => {
    const socketPath = freshSocket();
    mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
    const live = net.createServer((c) => c.end());
    await new Promise<void>((resolve) => live.listen(socketPath, resolve));
    try {
      await expect(start(socketPath)).rejects.toThrow(`the portal cannot listen for the edge: another server is already listening on ${socketPath}`);
      expect(lstatSync(socketPath).isSocket()).toBe(true);
      await new Promise<void>((resolve, reject) => net.connect(socketPath).on("connect", resolve).on("error", reject));
    } finally {
      await new Promise((resolve) => live.close(resolve));
    }
  });

  it("never deletes a file that is not a socket", async () => {
    const socketPath = freshSocket();
    mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
    writeFileSync(socketPath, "keep me");
    await expect(start(socketPath)).rejects.toThrow(/exists and is not a socket/);
    expect(lstatSync(socketPath).isFile()).toBe(true);
  });

  it("never follows a symlink the edge could plant for its run folder", async () => {
    const socketPath = freshSocket();
    const victim = path.join(base, `victim-${n}`);
    mkdirSync(victim, { mode: 0o755 });
    chmodSync(victim, 0o755);
    mkdirSync(path.dirname(path.dirname(socketPath)));
    symlinkSync(victim, path.dirname(socketPath));
    await expect(start(socketPath)).rejects.toThrow(/is a symlink or a file, not a folder/);
    expect(mode(victim)).toBe(0o755);
    expect(readdirSync(victim)).toEqual([]);
  });

  it("never replaces a symlink in the socket's place, nor touches what it points at", async () => {
    const socketPath = freshSocket();
    mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
    const target = path.join(base, `target-${n}`);
    writeFileSync(target, "keep me", { mode: 0o644 });
    symlinkSync(target, socketPath);
    await expect(start(socketPath)).rejects.toThrow(/exists and is not a socket/);
    expect(lstatSync(socketPath).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("keep me");
    expect(mode(target)).toBe(0o644);
  });

  it("leaves the process's umask as it found it (the socket is born 0600 under a narrower one)", async () => {
    const umask = () => {
      const current = process.umask(0o022);
      process.umask(current);
      return current;
    };
    const before = umask();
    await start(freshSocket());
    expect(umask()).toBe(before);
  });

  it("names the listener that failed and closes the other: a TCP port in use", async () => {
    const first = await start(null);
    const socketPath = freshSocket();
    await expect(start(socketPath, { host: "127.0.0.1", port: first.tcpAddress.port })).rejects.toThrow(
      new RegExp(`^the portal cannot listen on 127\\.0\\.0\\.1:${first.tcpAddress.port}: .*EADDRINUSE`),
    );
    expect(existsSync(socketPath)).toBe(false);
  });

  it("close() stops both listeners and removes the socket", async () => {
    const socketPath = freshSocket();
    const listeners = await start(socketPath);
    await get({ socketPath });
    await listeners.close();
    open.length = 0;
    expect(existsSync(socketPath)).toBe(false);
    await expect(get({ host: "127.0.0.1", port: listeners.tcpAddress.port })).rejects.toThrow(/ECONNREFUSED/);
  });

  it("hands upgrade requests to the upgrade handler, stamped like any request", async () => {
    const socketPath = freshSocket();
    const seen: (string | undefined)[] = [];
    const listeners = await portalServer.startListeners({
      handler: echoPeer,
      upgrade: async (req, socket) => {
        seen.push(req.headers["x-berth-peer"] as string | undefined);
        socket.end("HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n");
      },
      tcp: { host: "127.0.0.1", port: 0 },
      socketPath,
      log: () => {},
    });
    open.push(listeners);
    const upgrade = (target: Target) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request({ ...target, path: "/ws", headers: { Connection: "Upgrade", Upgrade: "test", "x-berth-peer": "x" }, agent: false });
        req.on("upgrade", (res, socket) => {
          socket.destroy();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
    expect(await upgrade({ socketPath })).toBe(101);
    expect(await upgrade({ host: "127.0.0.1", port: listeners.tcpAddress.port })).toBe(101);
    expect(seen).toEqual(["edge", "127.0.0.1"]);
  });
});

describe("listenSettings", () => {
  const cwd = "/srv/berth";
  // Only the variables a case sets (NodeJS.ProcessEnv requires NODE_ENV).
  const env = (vars: Record<string, string | undefined>) => vars as unknown as NodeJS.ProcessEnv;

  it.each<Record<string, string>>([{}, { BERTH_EDGE_DIR: "/var/lib/berth/edge" }, { BERTH_EDGE_DIR: "state/edge" }])(
    "names the socket lib/ingress/settings.ts names for %j",
    (vars) => {
      const want = path.join(readIngressSettings(env(vars), cwd).edgeDir, EDGE_FILES.portalSocket);
      expect(portalServer.listenSettings(env(vars), cwd).socketPath).toBe(want);
    },
  );

  it("has no socket with BERTH_EDGE=off, and defaults to 127.0.0.1:3000", () => {
    expect(portalServer.listenSettings(env({ BERTH_EDGE: "off" }), cwd)).toEqual({ host: "127.0.0.1", port: 3000, socketPath: null });
    expect(readIngressSettings(env({ BERTH_EDGE: "off" }), cwd).enabled).toBe(false);
    expect(portalServer.listenSettings(env({ BERTH_LISTEN_ADDRESS: "::1", PORT: "3100" }), cwd)).toMatchObject({ host: "::1", port: 3100 });
  });

  it.each(["0", "65536", "http", "3000.5"])("refuses PORT=%s", (port) => {
    expect(() => portalServer.listenSettings(env({ PORT: port }), cwd)).toThrow(/PORT must be a port number/);
  });
});
