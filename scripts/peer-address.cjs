// Preloaded into the portal's server process (scripts/up.sh: node --require): stamps every
// incoming HTTP request with the socket's peer address in the x-berth-peer header,
// overwriting whatever the client sent under that name, before Next.js sees the request.
// Next gives route handlers, Server Actions and proxy.ts no access to the socket, and the
// X-Forwarded-For it passes on is the client's own whenever the client sent one, so this is
// the only address the portal can trust (lib/auth/client-info.ts; control N5).
// A request on a unix-socket server (scripts/portal-server.cjs listens on one for the edge)
// has no peer address; it is stamped with the literal EDGE_PEER instead: only the edge's uid
// can open that socket, so the edge is the peer by construction.
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file, loaded with node --require before anything else */
const http = require("node:http");
const https = require("node:https");

const HEADER = "x-berth-peer";
const EDGE_PEER = "edge";
const STAMP = Symbol.for("berth.peerAddressHeader");
// Every event by which Node hands a server a new request.
const REQUEST_EVENTS = new Set(["request", "checkContinue", "checkExpectation", "upgrade", "connect"]);

// Servers known to listen on a unix socket: remembered, because address() is null once a
// server is closing, while requests on its kept-alive connections may still arrive.
const unixServers = new WeakSet();
function onUnixSocket(server) {
  if (unixServers.has(server)) return true;
  // address() is the socket's path (a string) for a unix-socket server, an object for TCP.
  if (typeof server.address() !== "string") return false;
  unixServers.add(server);
  return true;
}

function install() {
  if (globalThis[STAMP] === HEADER) return;
  for (const Server of [http.Server, https.Server]) {
    const emit = Server.prototype.emit;
    Server.prototype.emit = function emitWithPeer(event, req, ...rest) {
      if (REQUEST_EVENTS.has(event) && req && typeof req === "object" && req.headers) {
        const peer = onUnixSocket(this) ? EDGE_PEER : (req.socket && req.socket.remoteAddress) || "";
        req.headers[HEADER] = peer;
        // rawHeaders too, so no reader of the raw list can find the client's own value.
        if (Array.isArray(req.rawHeaders)) {
          const raw = req.rawHeaders;
          for (let i = raw.length - 2; i >= 0; i -= 2) if (String(raw[i]).toLowerCase() === HEADER) raw.splice(i, 2);
          raw.push(HEADER, peer);
        }
      }
      return emit.call(this, event, req, ...rest);
    };
  }
  globalThis[STAMP] = HEADER;
}

install();
module.exports = { install, HEADER, EDGE_PEER };
