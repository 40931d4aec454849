import { afterEach, describe, expect, it } from "vitest";
import { EDGE_PEER, PEER_HEADER, PEER_STAMP, clientAddress, clientInfoFrom, normalizeAddress, parseTrustedProxies, viaEdge } from "./client-info";

const none = parseTrustedProxies("");
const edge = parseTrustedProxies("10.0.0.5, 172.18.0.0/16, fd00::/8, 127.0.0.1");

describe("normalizeAddress", () => {
  it.each([
    ["192.0.2.7", "192.0.2.7"],
    [" 192.0.2.7 ", "192.0.2.7"],
    ["192.0.2.7:5123", "192.0.2.7"],
    ["::ffff:192.0.2.7", "192.0.2.7"],
    ["::FFFF:192.0.2.7", "192.0.2.7"],
    ["0:0:0:0:0:ffff:192.0.2.7", "192.0.2.7"],
    ["::ffff:c000:207", "192.0.2.7"],
    ["2001:DB8::1", "2001:db8::1"],
    ["[2001:db8::1]:443", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["::1", "::1"],
  ])("%s → %s", (raw, want) => expect(normalizeAddress(raw)).toBe(want));

  it.each(["", "unknown", "_hidden", "999.1.1.1", "1.2.3", "evil.example", "1.2.3.4, 5.6.7.8"])("%j is not an address", (raw) =>
    expect(normalizeAddress(raw)).toBeUndefined(),
  );
});

describe("parseTrustedProxies", () => {
  it("accepts IPs and CIDRs of both families", () => {
    const t = parseTrustedProxies("10.0.0.5,172.18.0.0/16 , fd00::/8,::1");
    expect(t.check("172.18.44.1", "ipv4")).toBe(true);
    expect(t.check("172.19.0.1", "ipv4")).toBe(false);
    expect(t.check("fd12::9", "ipv6")).toBe(true);
    expect(t.check("::1", "ipv6")).toBe(true);
  });

  it.each(["10.0.0.0/33", "fd00::/129", "10.0.0.0/8/1", "proxy.local", "10.0.0.0/x"])("refuses %s", (bad) =>
    expect(() => parseTrustedProxies(bad)).toThrow(/BERTH_TRUSTED_PROXIES/),
  );
});

describe("clientAddress (control N5)", () => {
  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress("198.51.100.9", "203.0.113.1", none)).toBe("198.51.100.9");
    expect(clientAddress("198.51.100.9", "203.0.113.1, 10.0.0.5", none)).toBe("198.51.100.9");
    expect(clientAddress("::ffff:198.51.100.9", undefined, none)).toBe("198.51.100.9");
  });

  it("is the peer when the peer is not a trusted proxy, even if it forwards", () => {
    expect(clientAddress("198.51.100.9", "203.0.113.1", edge)).toBe("198.51.100.9");
  });

  it("behind a trusted proxy: the entry that proxy appended, not the client's spoofed ones to its left", () => {
    expect(clientAddress("10.0.0.5", "198.51.100.9", edge)).toBe("198.51.100.9");
    expect(clientAddress("10.0.0.5", "1.1.1.1, 2.2.2.2, 198.51.100.9", edge)).toBe("198.51.100.9");
    // The spoofer names a trusted proxy as the origin: still the right-most untrusted entry.
    expect(clientAddress("10.0.0.5", "10.0.0.5, 198.51.100.9", edge)).toBe("198.51.100.9");
  });

  it("walks a chain of trusted proxies from the right", () => {
    expect(clientAddress("10.0.0.5", "1.1.1.1, 198.51.100.9, 172.18.0.3", edge)).toBe("198.51.100.9");
    expect(clientAddress("::ffff:10.0.0.5", "198.51.100.9, ::ffff:172.18.0.3", edge)).toBe("198.51.100.9");
  });

  it("IPv6 clients and proxies", () => {
    expect(clientAddress("fd00::5", "2001:db8::7", edge)).toBe("2001:db8::7");
    expect(clientAddress("fd00::5", "[2001:db8::7]:51234", edge)).toBe("2001:db8::7");
    expect(clientAddress("2001:db8::7", "fd00::5", edge)).toBe("2001:db8::7");
  });

  it("a trusted proxy with no X-Forwarded-For is itself the client; an all-trusted chain gives its left-most entry", () => {
    expect(clientAddress("10.0.0.5", undefined, edge)).toBe("10.0.0.5");
    expect(clientAddress("10.0.0.5", "", edge)).toBe("10.0.0.5");
    expect(clientAddress("10.0.0.5", "172.18.0.9, 172.18.0.3", edge)).toBe("172.18.0.9");
  });

  it("garbage where the client's address should be makes it unknown, not the garbage", () => {
    expect(clientAddress("10.0.0.5", "198.51.100.9, not-an-ip", edge)).toBeUndefined();
    // Garbage the client put further left is never reached.
    expect(clientAddress("10.0.0.5", "not-an-ip, 198.51.100.9", edge)).toBe("198.51.100.9");
  });

  describe("the edge's unix socket as the peer", () => {
    it("is a trusted hop without being listed: the right-most X-Forwarded-For entry", () => {
      expect(clientAddress(EDGE_PEER, "203.0.113.9", none)).toBe("203.0.113.9");
      expect(clientAddress(EDGE_PEER, "::ffff:203.0.113.9", none)).toBe("203.0.113.9");
      expect(clientAddress(EDGE_PEER, "[2001:db8::7]:51234", none)).toBe("2001:db8::7");
    });

    it("ignores the entries a client put to the left of the one the edge appended", () => {
      expect(clientAddress(EDGE_PEER, "1.1.1.1, 10.0.0.5, 203.0.113.9", none)).toBe("203.0.113.9");
      expect(clientAddress(EDGE_PEER, "1.1.1.1, 203.0.113.9", edge)).toBe("203.0.113.9");
    });

    it("walks configured trusted proxies between the client and the edge", () => {
      expect(clientAddress(EDGE_PEER, "1.1.1.1, 203.0.113.9, 10.0.0.5", edge)).toBe("203.0.113.9");
      expect(clientAddress(EDGE_PEER, "10.0.0.5, 172.18.0.3", edge)).toBe("10.0.0.5");
    });

    it("is unknown without X-Forwarded-For (the edge has no address of its own) or with garbage where the client should be", () => {
      expect(clientAddress(EDGE_PEER, undefined, none)).toBeUndefined();
      expect(clientAddress(EDGE_PEER, " , ", none)).toBeUndefined();
      expect(clientAddress(EDGE_PEER, "203.0.113.9, edge", none)).toBeUndefined();
    });

    it("is only the exact literal: anything else not an IP is unknown", () => {
      expect(clientAddress("EDGE", "203.0.113.9", none)).toBeUndefined();
      expect(clientAddress(" edge", "203.0.113.9", none)).toBeUndefined();
    });
  });

  it("an unknown peer is an unknown address", () => {
    expect(clientAddress(undefined, "198.51.100.9", edge)).toBeUndefined();
    expect(clientAddress("", "198.51.100.9", none)).toBeUndefined();
  });
});

describe("clientInfoFrom", () => {
  const g = globalThis as Record<symbol, unknown>;
  afterEach(() => {
    delete g[PEER_STAMP];
    delete process.env.BERTH_TRUSTED_PROXIES;
  });
  const spoofed = new Headers({ [PEER_HEADER]: "203.0.113.50", "x-forwarded-for": "1.2.3.4", "user-agent": "ua" });

  it("ignores the peer header (and X-Forwarded-For) unless the preload that overwrites it is loaded", () => {
    expect(clientInfoFrom(spoofed).ip).toBeUndefined();
    g[PEER_STAMP] = PEER_HEADER;
    expect(clientInfoFrom(spoofed)).toMatchObject({ ip: "203.0.113.50", userAgent: "ua" });
  });

  it("believes an edge peer only with the preload loaded", () => {
    const fromEdge = new Headers({ [PEER_HEADER]: EDGE_PEER, "x-forwarded-for": "1.2.3.4, 203.0.113.9" });
    expect(clientInfoFrom(fromEdge).ip).toBeUndefined();
    expect(viaEdge(fromEdge)).toBe(false);
    g[PEER_STAMP] = PEER_HEADER;
    expect(clientInfoFrom(fromEdge).ip).toBe("203.0.113.9");
    expect(viaEdge(fromEdge)).toBe(true);
    expect(viaEdge(spoofed)).toBe(false);
    expect(viaEdge(new Headers())).toBe(false);
  });

  it("reads BERTH_TRUSTED_PROXIES", () => {
    g[PEER_STAMP] = PEER_HEADER;
    process.env.BERTH_TRUSTED_PROXIES = "203.0.113.50";
    expect(clientInfoFrom(spoofed).ip).toBe("1.2.3.4");
  });
});
