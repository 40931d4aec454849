import { randomUUID } from "node:crypto";
import { BlockList, isIP } from "node:net";
import type { ClientInfo } from "@/lib/auth/actor";

/**
 * The request header that carries the socket's peer address, and the global that says it can
 * be believed. Next.js gives route handlers, Server Actions and proxy.ts no access to the
 * socket (`request.ip` is gone since Next 15), and the `X-Forwarded-For` it passes on is the
 * client's own when the client sent one (Next fills it with the socket address only when it
 * is absent). So scripts/peer-address.cjs, loaded first by the portal's server
 * (scripts/portal-server.cjs), overwrites this header with `socket.remoteAddress` (EDGE_PEER on
 * the edge's unix socket) on every incoming request, before Next sees it, and sets the global.
 * Without it (`next dev`, a bare `next start`) the header may be the client's invention and is
 * ignored: the address is unknown.
 */
export const PEER_HEADER = "x-berth-peer";
export const PEER_STAMP = Symbol.for("berth.peerAddressHeader");
/**
 * The peer of a request that came in on the portal's unix socket (scripts/portal-server.cjs),
 * which only the edge's uid can open: a trusted proxy hop by construction, whatever
 * BERTH_TRUSTED_PROXIES says.
 */
export const EDGE_PEER = "edge";

/** Lower-case, without brackets, a port, an IPv6 zone or the `::ffff:` of an IPv4-mapped IPv6 address; undefined if not an IP. */
export function normalizeAddress(raw: string | null | undefined): string | undefined {
  let a = raw?.trim().toLowerCase();
  if (!a) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  a = a.replace(/%.*$/, "");
  // An IPv4 client of a dual-stack socket shows as ::ffff:1.2.3.4; it is the same client as 1.2.3.4.
  const mapped = /^(?:::|(?:0{1,4}:){5})ffff:(.+)$/.exec(a);
  if (mapped && isIP(mapped[1]) === 4) return mapped[1];
  const hex = mapped && /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(mapped[1]);
  if (hex) {
    const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return isIP(a) ? a : undefined;
}

/** Parses a comma-separated list of IPs and CIDRs (BERTH_TRUSTED_PROXIES); throws on a bad entry. */
export function parseTrustedProxies(list: string | undefined): BlockList {
  const trusted = new BlockList();
  for (const entry of (list ?? "").split(",").map((e) => e.trim())) {
    if (!entry) continue;
    const [addr, bits, extra] = entry.split("/");
    const ip = normalizeAddress(addr);
    const family = ip && isIP(ip) === 6 ? "ipv6" : "ipv4";
    const prefix = bits === undefined ? (family === "ipv6" ? 128 : 32) : Number(bits);
    if (!ip || extra !== undefined || !/^\d+$/.test(String(prefix)) || prefix > (family === "ipv6" ? 128 : 32)) {
      throw new Error(`BERTH_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range (e.g. 10.0.0.5, 172.18.0.0/16, fd00::/8)`);
    }
    trusted.addSubnet(ip, prefix, family);
  }
  return trusted;
}

function isTrusted(trusted: BlockList, ip: string): boolean {
  return trusted.check(ip, isIP(ip) === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address (control N5): the socket's peer, unless the peer is a trusted proxy
 * (or the edge, EDGE_PEER); then the right-most `X-Forwarded-For` entry that is not itself a
 * trusted proxy (each proxy appends the address it was connected from, so entries to the left
 * of the last one a trusted proxy wrote are the client's to choose). If every entry is
 * trusted, the left-most one; the edge with no entry at all leaves the address unknown. An
 * entry that is not an IP where the client's address should be means the chain cannot be
 * read: unknown. Returns undefined when the peer is unknown.
 */
export function clientAddress(peer: string | null | undefined, forwardedFor: string | null | undefined, trusted: BlockList): string | undefined {
  const fromEdge = peer === EDGE_PEER;
  // The edge has no address of its own to fall back on: a unix socket has no peer address.
  const hop = fromEdge ? undefined : normalizeAddress(peer);
  if (!fromEdge && (!hop || !isTrusted(trusted, hop))) return hop;
  const chain = (forwardedFor ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  let nearest = hop;
  for (let i = chain.length - 1; i >= 0; i--) {
    const entry = normalizeAddress(chain[i]);
    if (!entry) return undefined;
    if (!isTrusted(trusted, entry)) return entry;
    nearest = entry;
  }
  return nearest;
}

let cachedTrusted: { list: string | undefined; parsed: BlockList } | undefined;
function trustedProxies(): BlockList {
  const list = process.env.BERTH_TRUSTED_PROXIES;
  if (!cachedTrusted || cachedTrusted.list !== list) cachedTrusted = { list, parsed: parseTrustedProxies(list) };
  return cachedTrusted.parsed;
}

let warnedUnstamped = false;

/** The peer address from the header the preload wrote, or undefined if it is not loaded. */
export function peerFrom(headers: Headers): string | undefined {
  if ((globalThis as Record<symbol, unknown>)[PEER_STAMP] !== PEER_HEADER) {
    if (!warnedUnstamped && process.env.NODE_ENV === "production") {
      warnedUnstamped = true;
      console.warn(
        "[berth] scripts/peer-address.cjs is not loaded: client addresses are unknown (start the portal with scripts/portal-server.cjs: npm start, npm run up)",
      );
    }
    return undefined;
  }
  return headers.get(PEER_HEADER) ?? undefined;
}

/** The request came through the edge: the preload is loaded and stamped the peer as EDGE_PEER. */
export function viaEdge(headers: Headers): boolean {
  return peerFrom(headers) === EDGE_PEER;
}

/** Client address, agent and request id from request headers. */
export function clientInfoFrom(headers: Headers): ClientInfo {
  return {
    ip: clientAddress(peerFrom(headers), headers.get("x-forwarded-for"), trustedProxies()),
    userAgent: headers.get("user-agent")?.slice(0, 300) ?? undefined,
    requestId: headers.get("x-request-id")?.slice(0, 64) || randomUUID(),
  };
}
