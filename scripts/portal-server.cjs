// The portal's production server (npm start, scripts/up.sh, Playwright), in place of
// `next start`. It serves the same Next.js request handler on two listeners:
//   - TCP on BERTH_LISTEN_ADDRESS (default 127.0.0.1) : PORT (default 3000): plain http for
//     local scripts and tests (control N5: loopback only, unless told otherwise);
//   - unless BERTH_EDGE=off, the unix socket <BERTH_EDGE_DIR or data/edge>/run/portal.sock, for
//     the edge (Caddy in a container of Berth's own cannot reach the host's loopback, but it can
//     reach a socket in a folder mounted into it). The socket's folder is 0700 and the socket
//     0600, both owned by the folder's owner, the uid the edge runs as: no other local user can
//     connect, so a request on it comes from the edge by construction (peer-address.cjs stamps
//     it "edge"; lib/auth/client-info.ts then reads X-Forwarded-For, lib/auth/cookie-names.ts
//     picks the __Host- cookies).
// startListeners() holds everything but Next, so the integration test runs it with any handler.
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file, run with node */
// First, before any server exists: it patches http.Server to stamp each request's peer.
require("./peer-address.cjs");
const { EventEmitter } = require("node:events");
const fs = require("node:fs");
const http = require("node:http");
const net = require("node:net");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
// As EDGE_FILES.portalSocket and the BERTH_EDGE_DIR default in lib/ingress/settings.ts (which
// this CommonJS file cannot import; the integration test checks that the two agree).
const PORTAL_SOCKET = "run/portal.sock";
const DEFAULT_EDGE_DIR = "data/edge";
// How long open connections may finish their requests after SIGTERM/SIGINT.
const SHUTDOWN_GRACE_MS = 10_000;

function log(line) {
  console.log(`[berth] ${line}`);
}

/**
 * Where to listen, from the environment. The socket's path is resolved against the working
 * directory exactly as lib/ingress/settings.ts resolves edgeDir, so the portal and the code
 * that configures the edge name the same file. socketPath is null with BERTH_EDGE=off.
 */
function listenSettings(env = process.env, cwd = process.cwd()) {
  const host = env.BERTH_LISTEN_ADDRESS || "127.0.0.1";
  const rawPort = env.PORT || "3000";
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT must be a port number from 1 to 65535, got "${rawPort}"`);
  const socketPath = env.BERTH_EDGE === "off" ? null : path.join(path.resolve(cwd, env.BERTH_EDGE_DIR || DEFAULT_EDGE_DIR), PORTAL_SOCKET);
  return { host, port, socketPath };
}

function httpUrl(address) {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Whether a server answers on the socket (a live portal) or not (a file left by a crash). */
function socketAnswers(socketPath) {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    // ECONNREFUSED: nobody listens, the file is stale.
    probe.once("error", () => resolve(false));
  });
}

/**
 * Opens the socket's folder (made 0700 if missing, closed to 0700 if not) and pins it: the edge
 * owns the folder above (lib/docker/edge.ts gives it the edge folder) and could swap `run` for a
 * symlink to anywhere on the host, so as root this file never follows a path through it. The
 * folder is opened without following a symlink, chmod-ed and stat-ed through that descriptor, and
 * every name in it is reached through /proc/self/fd/<fd>/ (Node has no openat); `at(name)` gives
 * that path. Its owner is whom the socket will belong to (the uid the edge runs as).
 */
function openRunDir(runDir) {
  // The parents keep the default mode (the edge's own code claims the edge folder); the run
  // folder alone is 0700. mkdir's mode is masked by the umask and applies only to a new folder.
  fs.mkdirSync(path.dirname(runDir), { recursive: true });
  try {
    fs.mkdirSync(runDir, { mode: 0o700 });
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
  }
  let fd;
  try {
    fd = fs.openSync(runDir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW);
  } catch (error) {
    if (error.code === "ELOOP" || error.code === "ENOTDIR") throw new Error(`${runDir} is a symlink or a file, not a folder; remove it`);
    throw error;
  }
  try {
    fs.fchmodSync(fd, 0o700);
    const { uid, gid } = fs.fstatSync(fd);
    const pinned = `/proc/self/fd/${fd}`;
    // Without /proc (not Linux) names are reached by their path: the folder is checked, not pinned.
    const base = fs.existsSync(pinned) ? pinned : runDir;
    return { fd, uid, gid, at: (name) => path.join(base, name) };
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

/** Whether a server answers on the socket (a live portal) or not (a file left by a crash). */
function socketAnswers(socketPath) {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    // ECONNREFUSED: nobody listens, the file is stale.
    probe.once("error", () => resolve(false));
  });
}

/**
 * Clears the socket's name: a socket nobody answers on is left from a crash and is removed; a
 * live one or anything that is not a socket is refused, so a second server never steals the
 * edge's socket from a running portal, and nothing else is ever deleted.
 */
async function clearStaleSocket(bindPath, shown) {
  let existing;
  try {
    existing = fs.lstatSync(bindPath);
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
  if (!existing) return;
  if (!existing.isSocket()) throw new Error(`${shown} exists and is not a socket; move it away (the portal only replaces a stale socket)`);
  if (await socketAnswers(bindPath)) throw new Error(`another server is already listening on ${shown} (is the portal running twice?)`);
  fs.unlinkSync(bindPath);
}

function listen(server, args, label) {
  return new Promise((resolve, reject) => {
    const failed = (error) => reject(new Error(`the portal cannot listen on ${label}: ${error.message}`));
    server.once("error", failed);
    server.listen(...args, () => {
      server.off("error", failed);
      resolve();
    });
  });
}

function closeServer(server, graceMs) {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    // Kept-alive connections without a request in flight would hold close() open.
    server.closeIdleConnections();
  });
}

/**
 * Serves `handler` (and `upgrade` for 'upgrade' requests) on TCP `tcp.host`:`tcp.port` and, if
 * `socketPath` is given, on that unix socket, owned by its folder's owner with mode 0600.
 * Resolves once both listen, with the TCP address and close(), which stops both servers and
 * removes the socket; rejects with a message naming the listener that failed (and closes the
 * other). Port 0 takes any free port (tests).
 */
async function startListeners({ handler, upgrade, tcp, socketPath = null, log: say = log, graceMs = SHUTDOWN_GRACE_MS }) {
  const servers = [];
  const onUpgrade = async (req, socket, head) => {
    try {
      if (!upgrade) return socket.destroy();
      await upgrade(req, socket, head);
    } catch (error) {
      // As `next start` does: a failed upgrade closes the connection and is logged.
      socket.destroy();
      console.error(`[berth] failed to handle the upgrade request for ${req.url}:`, error);
    }
  };
  const create = () => {
    const server = http.createServer(handler);
    server.on("upgrade", onUpgrade);
    servers.push(server);
    return server;
  };

  let runDir;
  let bindPath;
  let socketIno;
  const close = async () => {
    await Promise.all(servers.map((server) => closeServer(server, graceMs)));
    if (!runDir) return;
    // libuv unlinks the socket on close; if it did not, remove it, but only if it is still ours.
    try {
      if (socketIno !== undefined && fs.lstatSync(bindPath).ino === socketIno) fs.unlinkSync(bindPath);
    } catch (error) {
      if (error.code !== "ENOENT") throw error;
    } finally {
      fs.closeSync(runDir.fd);
      runDir = undefined;
    }
  };

  try {
    const tcpServer = create();
    await listen(tcpServer, [tcp.port, tcp.host], `${tcp.host}:${tcp.port}`);
    const tcpAddress = tcpServer.address();
    say(`portal listening on ${httpUrl(tcpAddress)} (direct http: local scripts and tests)`);

    if (socketPath) {
      const forEdge = (error) => new Error(`the portal cannot listen for the edge: ${error.message}`);
      try {
        runDir = openRunDir(path.dirname(socketPath));
        bindPath = runDir.at(path.basename(socketPath));
        await clearStaleSocket(bindPath, socketPath);
      } catch (error) {
        throw forEdge(error);
      }
      // The socket is born 0600 (bind applies the umask): a chmod by name afterwards would follow
      // a symlink the edge put in its place. listen() binds synchronously, so the umask is back
      // before anything else in the process creates a file.
      const server = create();
      const umask = process.umask(0o177);
      let listening;
      try {
        listening = listen(server, [bindPath], socketPath);
      } finally {
        process.umask(umask);
      }
      await listening;
      const created = fs.lstatSync(bindPath);
      socketIno = created.ino;
      // Run as root, the portal gives the socket to the folder's owner (lchown: never through a
      // symlink); run as that owner, the socket is theirs already.
      if (created.uid !== runDir.uid || created.gid !== runDir.gid) {
        try {
          fs.lchownSync(bindPath, runDir.uid, runDir.gid);
        } catch (error) {
          throw new Error(
            `the portal cannot give ${socketPath} to the owner of its folder (uid ${runDir.uid}, gid ${runDir.gid}), whom the edge runs as: ${error.message}. Run the portal as root or as that user.`,
          );
        }
      }
      say(`portal listening on unix:${socketPath} for the edge (mode 0600, uid ${runDir.uid})`);
    }
    return { servers, tcpAddress, socketPath, close };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}

async function main() {
  // As `next start` does: production unless the environment says otherwise.
  process.env.NODE_ENV ||= "production";
  const { host, port, socketPath } = listenSettings();

  let ready;
  const prepared = new Promise((resolve, reject) => (ready = { resolve, reject }));
  // A failed prepare is reported by main's caller; requests waiting on it die with the process.
  prepared.catch(() => {});
  // Listen first, as `next start` does: a port in use fails at once, before Next loads the app
  // (and instrumentation.ts starts the reconciler); early requests wait for Next.
  const listeners = await startListeners({
    handler: async (req, res) => (await prepared).handle(req, res),
    // The console's WebSocket (lib/console/server.ts, registered by instrumentation.ts once Next
    // is prepared) takes its own path first; every other upgrade reaches Next exactly as under
    // `next start`: the router server's upgrade handler (it proxies upgrades for external
    // rewrites, closes those for app paths, and leaves others alone).
    upgrade: async (req, socket, head) => {
      const next = await prepared;
      const consoleUpgrade = globalThis[Symbol.for("berth.consoleUpgrade")];
      if (typeof consoleUpgrade === "function" && (await consoleUpgrade(req, socket, head))) return;
      return next.upgrade(req, socket, head);
    },
    tcp: { host, port },
    socketPath,
  });
  // Where Next fetches the page a Server Action redirects to (as `next start` sets it): the
  // loopback listener, since the process cannot reach the request's https origin through the
  // edge itself (lib/auth/cookie-names.ts reads that fetch's cookies in the edge's mode).
  process.env.__NEXT_PRIVATE_ORIGIN ??= httpUrl(listeners.tcpAddress);

  let closing = false;
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, () => {
      if (closing) process.exit(1); // a second Ctrl-C: stop now
      closing = true;
      log(`${signal}: closing the listeners`);
      // The edge outlives the portal (apps stay up across a restart), so its sync must not
      // start it again while the portal shuts down (lib/ingress/edge-sync.ts).
      globalThis[Symbol.for("berth.edgeSync")]?.stop();
      listeners
        .close()
        .then(() => prepared.then((next) => next.app.close()))
        .catch((error) => console.error("[berth] error while closing:", error))
        .finally(() => process.exit(0));
      // Timers (the reconciler, checkpoints) would keep the process alive past a stuck close.
      setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS + 2_000).unref();
    });
  }

  try {
    const next = require("next");
    // Next's custom server attaches its own 'upgrade' listener to options.httpServer, else to the
    // server of the first request it sees: one of our two servers would have none and the other
    // two. An inert emitter takes that listener; both servers pass upgrades on themselves.
    const app = next({ dev: false, dir: ROOT, hostname: host, port, httpServer: new EventEmitter() });
    await app.prepare();
    // The router server's handler, which `next start` uses; app.getUpgradeHandler() is the render
    // server's, a no-op in production. Checked, since it is not in Next's typings.
    const nextUpgrade = app.upgradeHandler;
    if (typeof nextUpgrade !== "function")
      throw new Error("this Next.js version's custom server has no upgradeHandler: check scripts/portal-server.cjs");
    ready.resolve({ app, handle: app.getRequestHandler(), upgrade: nextUpgrade });
  } catch (error) {
    ready.reject(error);
    throw error;
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`[berth] ${error.message}`);
    process.exit(1);
  });
}

module.exports = { startListeners, listenSettings, PORTAL_SOCKET };
