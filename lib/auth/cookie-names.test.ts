import { Auth } from "@auth/core";
import { decode, encode } from "@auth/core/jwt";
import { afterEach, describe, expect, it } from "vitest";
import { EDGE_PEER, PEER_HEADER, PEER_STAMP } from "./client-info";
import { authCookies, cookieModeFrom, tenantCookie, type CookieMode } from "./cookie-names";

const g = globalThis as Record<symbol, unknown>;
afterEach(() => {
  delete g[PEER_STAMP];
});

describe("cookieModeFrom", () => {
  const fromEdge = new Headers({ [PEER_HEADER]: EDGE_PEER });

  it("is edge only when the peer stamp is installed and says the edge", () => {
    g[PEER_STAMP] = PEER_HEADER;
    expect(cookieModeFrom(fromEdge)).toBe("edge");
  });

  it("is direct for a TCP peer, a missing peer, or a peer header nobody stamped (next dev, a client's invention)", () => {
    expect(cookieModeFrom(fromEdge)).toBe("direct");
    g[PEER_STAMP] = PEER_HEADER;
    expect(cookieModeFrom(new Headers({ [PEER_HEADER]: "127.0.0.1" }))).toBe("direct");
    expect(cookieModeFrom(new Headers({ [PEER_HEADER]: "" }))).toBe("direct");
    expect(cookieModeFrom(new Headers())).toBe("direct");
    // Not the edge just because the client says it is on HTTPS.
    expect(cookieModeFrom(new Headers({ [PEER_HEADER]: "127.0.0.1", "x-forwarded-proto": "https" }))).toBe("direct");
    expect(cookieModeFrom(new Headers({ [PEER_HEADER]: "203.0.113.9", "x-forwarded-proto": "https", "x-forwarded-host": "p" }))).toBe("direct");
  });

  it("is edge for Next's own loopback fetch of a redirect target, which carries the edge's forwarded headers", () => {
    g[PEER_STAMP] = PEER_HEADER;
    const replay = { "x-forwarded-proto": "https", "x-forwarded-host": "portal.example.com" };
    expect(cookieModeFrom(new Headers({ [PEER_HEADER]: "127.0.0.1", ...replay }))).toBe("edge");
    expect(cookieModeFrom(new Headers({ [PEER_HEADER]: "::1", ...replay }))).toBe("edge");
  });
});

/** Control N4's rules for a `__Host-` cookie, as a browser enforces them. */
function expectHostCookie(cookie: {
  name?: string;
  options?: { secure?: boolean; path?: string; domain?: string; httpOnly?: boolean; sameSite?: unknown };
}) {
  expect(cookie.name).toMatch(/^__Host-/);
  expect(cookie.options).toMatchObject({ secure: true, path: "/", httpOnly: true, sameSite: "lax" });
  expect(cookie.options?.domain).toBeUndefined();
}

describe("authCookies", () => {
  it("through the edge: every Auth.js cookie is __Host-, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain", () => {
    const { useSecureCookies, cookies } = authCookies("edge");
    expect(useSecureCookies).toBe(true);
    expect(Object.keys(cookies).sort()).toEqual([
      "callbackUrl",
      "csrfToken",
      "nonce",
      "pkceCodeVerifier",
      "sessionToken",
      "state",
      "webauthnChallenge",
    ]);
    for (const cookie of Object.values(cookies)) expectHostCookie(cookie);
    expect(cookies.sessionToken?.name).toBe("__Host-authjs.session-token");
    expect(cookies.csrfToken?.name).toBe("__Host-authjs.csrf-token");
    expect(cookies.callbackUrl?.name).toBe("__Host-authjs.callback-url");
  });

  it("direct: Auth.js's plain names without Secure (a browser drops Secure cookies on http)", () => {
    const { useSecureCookies, cookies } = authCookies("direct");
    expect(useSecureCookies).toBe(false);
    expect(cookies.sessionToken).toEqual({ name: "authjs.session-token", options: { httpOnly: true, sameSite: "lax", path: "/", secure: false } });
    expect(cookies.csrfToken?.name).toBe("authjs.csrf-token");
    expect(cookies.callbackUrl?.name).toBe("authjs.callback-url");
    for (const cookie of Object.values(cookies)) expect(cookie.options).toMatchObject({ secure: false, httpOnly: true, path: "/" });
  });

  /** What Auth.js itself sets for a request, given these settings: the CSRF and callback-url cookies of GET /csrf. */
  async function setCookies(mode: CookieMode, url: string): Promise<string[]> {
    const response = await Auth(new Request(url), {
      providers: [],
      secret: "a test secret that is long enough for Auth.js",
      trustHost: true,
      basePath: "/api/auth",
      ...authCookies(mode),
    });
    return response.headers.getSetCookie();
  }

  it("is what Auth.js sets: __Host- and Secure through the edge, whatever the URL it sees", async () => {
    const cookies = await setCookies("edge", "http://portal.test/api/auth/csrf");
    expect(cookies.map((c) => c.split("=")[0]).sort()).toEqual(["__Host-authjs.callback-url", "__Host-authjs.csrf-token"]);
    for (const c of cookies) {
      expect(c).toMatch(/; Path=\/(;|$)/);
      expect(c).toMatch(/; Secure(;|$)/);
      expect(c).toMatch(/; HttpOnly(;|$)/);
      expect(c).toMatch(/; SameSite=Lax(;|$)/);
      expect(c).not.toMatch(/; Domain=/i);
    }
  });

  it("is what Auth.js sets: plain and not Secure directly, even if the URL claims https (a client's X-Forwarded-Proto)", async () => {
    const cookies = await setCookies("direct", "https://127.0.0.1:3000/api/auth/csrf");
    expect(cookies.map((c) => c.split("=")[0]).sort()).toEqual(["authjs.callback-url", "authjs.csrf-token"]);
    for (const c of cookies) expect(c).not.toMatch(/Secure/);
  });

  it("never lets a session made in one mode be read in the other: the JWT's key comes from the cookie's name", async () => {
    const secret = "a test secret that is long enough for Auth.js";
    const [edge, direct] = [authCookies("edge").cookies.sessionToken!.name!, authCookies("direct").cookies.sessionToken!.name!];
    const token = await encode({ token: { uid: "u1" }, secret, salt: direct });
    expect(await decode({ token, secret, salt: direct })).toMatchObject({ uid: "u1" });
    await expect(decode({ token, secret, salt: edge })).rejects.toThrow();
  });
});

describe("tenantCookie", () => {
  it("through the edge: __Host-berth-tenant with the same flags", () => {
    const cookie = tenantCookie("edge");
    expect(cookie.name).toBe("__Host-berth-tenant");
    expectHostCookie(cookie);
  });

  it("direct: berth-tenant, HttpOnly, SameSite=Lax, Path=/, not Secure", () => {
    expect(tenantCookie("direct")).toEqual({ name: "berth-tenant", options: { httpOnly: true, sameSite: "lax", path: "/", secure: false } });
  });
});
