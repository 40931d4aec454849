import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { foreignOriginReason } from "./action-origin";
import { EDGE_PEER, PEER_HEADER, PEER_STAMP } from "./client-info";

const g = globalThis as Record<symbol, unknown>;
beforeEach(() => {
  g[PEER_STAMP] = PEER_HEADER;
});
afterEach(() => {
  delete g[PEER_STAMP];
});

const portal = "https://portal.test:19543";
const portalUrl = () => portal;
const evil = "https://evil.example";
/** A Server Action called from script, through the edge or directly. */
const fromEdge = (extra: Record<string, string>) =>
  new Headers({ [PEER_HEADER]: EDGE_PEER, host: "portal.test:19543", "next-action": "abc", ...extra });
const direct = (extra: Record<string, string>) => new Headers({ [PEER_HEADER]: "127.0.0.1", host: "127.0.0.1:3000", "next-action": "abc", ...extra });

describe("foreignOriginReason", () => {
  it("checks what Next may run as a Server Action: a POST with Next-Action, or with a form's content type (a form posted before hydration)", () => {
    expect(foreignOriginReason("POST", fromEdge({ origin: evil }), portalUrl)).toMatch(/^Refused/);
    const form = (type: string) => new Headers({ [PEER_HEADER]: EDGE_PEER, origin: evil, "content-type": type });
    for (const type of ["multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "Application/X-WWW-Form-Urlencoded"]) {
      expect(foreignOriginReason("post", form(type), portalUrl)).toMatch(/^Refused/);
    }
  });

  it("leaves other requests to their handlers: other methods, a route handler's JSON POST (the image pull checks its own origin)", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
      expect(foreignOriginReason(method, fromEdge({ origin: evil }), portalUrl)).toBeUndefined();
    const json = new Headers({ [PEER_HEADER]: EDGE_PEER, origin: evil, "content-type": "application/json" });
    expect(foreignOriginReason("POST", json, portalUrl)).toBeUndefined();
  });

  it("through the edge: the portal's public origin passes", () => {
    expect(foreignOriginReason("POST", fromEdge({ origin: portal }), portalUrl)).toBeUndefined();
    expect(foreignOriginReason("POST", fromEdge({ origin: "https://PORTAL.test:19543" }), portalUrl)).toBeUndefined();
  });

  it.each([
    ["a tenant app", "https://shop.apps.test:19543"],
    ["another port", "https://portal.test"],
    ["plain http", "http://portal.test:19543"],
    ["a look-alike", "https://portal.test.evil.example:19543"],
    ["an opaque origin", "null"],
    ["garbage", "not a url"],
  ])("through the edge: refuses %s (%s)", (_what, origin) => {
    expect(foreignOriginReason("POST", fromEdge({ origin }), portalUrl)).toMatch(/^Refused: .*expected https:\/\/portal\.test:19543\)/);
  });

  it("through the edge: a Host or X-Forwarded-Host that agrees with a foreign Origin does not help", () => {
    const headers = fromEdge({ origin: evil, host: "evil.example", "x-forwarded-host": "evil.example" });
    expect(foreignOriginReason("POST", headers, portalUrl)).toMatch(/^Refused/);
  });

  it("refuses a missing Origin", () => {
    expect(foreignOriginReason("POST", fromEdge({}), portalUrl)).toMatch(/no Origin/);
    expect(foreignOriginReason("POST", direct({}), portalUrl)).toMatch(/no Origin/);
  });

  it("directly: the request's own http origin", () => {
    expect(foreignOriginReason("POST", direct({ origin: "http://127.0.0.1:3000" }), portalUrl)).toBeUndefined();
    expect(foreignOriginReason("POST", direct({ origin: "https://127.0.0.1:3000" }), portalUrl)).toMatch(/expected http:\/\/127\.0\.0\.1:3000\)/);
    expect(foreignOriginReason("POST", direct({ origin: "http://127.0.0.1:3001" }), portalUrl)).toMatch(/^Refused/);
    expect(foreignOriginReason("POST", direct({ origin: "http://localhost:3000" }), portalUrl)).toMatch(/^Refused/);
    // The portal's public origin is not the direct listener's.
    expect(foreignOriginReason("POST", direct({ origin: portal }), portalUrl)).toMatch(/^Refused/);
  });

  it("directly: a client's claim to be the edge is not believed without the peer stamp", () => {
    delete g[PEER_STAMP];
    const claim = (origin: string) => new Headers({ [PEER_HEADER]: EDGE_PEER, host: "127.0.0.1:3000", origin, "next-action": "abc" });
    expect(foreignOriginReason("POST", claim(portal), portalUrl)).toMatch(/^Refused/);
    expect(foreignOriginReason("POST", claim("http://127.0.0.1:3000"), portalUrl)).toBeUndefined();
  });

  it("directly: a missing or unusable Host refuses", () => {
    expect(foreignOriginReason("POST", new Headers({ origin: "http://127.0.0.1:3000", "next-action": "abc" }), portalUrl)).toMatch(/^Refused/);
    expect(foreignOriginReason("POST", direct({ host: "a b", origin: "http://a b" }), portalUrl)).toMatch(/^Refused/);
  });

  it("reads the portal's settings only for a Server Action through the edge", () => {
    const unread = () => {
      throw new Error("read");
    };
    expect(foreignOriginReason("POST", direct({ origin: "http://127.0.0.1:3000" }), unread)).toBeUndefined();
    expect(foreignOriginReason("GET", fromEdge({}), unread)).toBeUndefined();
  });

  it("quotes at most 200 characters of what the client sent", () => {
    const reason = foreignOriginReason("POST", fromEdge({ origin: `https://${"a".repeat(5000)}.example` }), portalUrl);
    expect(reason!.length).toBeLessThan(400);
  });
});
