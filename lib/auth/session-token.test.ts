import { Auth } from "@auth/core";
import Credentials from "@auth/core/providers/credentials";
import { encode } from "@auth/core/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EDGE_PEER, PEER_HEADER, PEER_STAMP } from "./client-info";
import { authCookies, type CookieMode } from "./cookie-names";
import { sessionFromHeaders } from "./session-token";

const SECRET = "a test secret that is long enough for Auth.js";
const g = globalThis as Record<symbol, unknown>;
const saved = { AUTH_SECRET: process.env.AUTH_SECRET, NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET };
beforeAll(() => {
  process.env.AUTH_SECRET = SECRET;
  delete process.env.NEXTAUTH_SECRET;
  g[PEER_STAMP] = PEER_HEADER;
});
afterAll(() => {
  delete g[PEER_STAMP];
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

function nameFor(mode: CookieMode): string {
  const name = authCookies(mode).cookies.sessionToken?.name;
  if (!name) throw new Error("authCookies names no session cookie");
  return name;
}
const peerOf = (mode: CookieMode) => (mode === "edge" ? EDGE_PEER : "127.0.0.1");

/** A session cookie as Auth.js's sign-in writes it: the claims of lib/auth/next-auth.ts, its salt the cookie's name. */
async function cookieFor(mode: CookieMode, claims: Record<string, unknown>, options: { secret?: string; maxAge?: number; salt?: string } = {}) {
  const name = nameFor(mode);
  const token = await encode({ token: claims, secret: options.secret ?? SECRET, salt: options.salt ?? name, maxAge: options.maxAge ?? 3600 });
  return `${name}=${token}`;
}

/** What Auth.js's own session action (what `auth()` runs) says about the same request: the user id, or null. */
async function authJsUserId(mode: CookieMode, headers: Headers): Promise<string | null> {
  const response = await Auth(new Request("http://127.0.0.1/api/auth/session", { headers: { cookie: headers.get("cookie") ?? "" } }), {
    secret: SECRET,
    trustHost: true,
    basePath: "/api/auth",
    session: { strategy: "jwt" },
    providers: [Credentials({ credentials: {}, authorize: async () => null })],
    callbacks: {
      session({ session, token }) {
        if (typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
    },
    logger: { error: () => undefined },
    ...authCookies(mode),
  });
  const body = (await response.json()) as { user?: { id?: string } } | null;
  return body?.user?.id ?? null;
}

describe("sessionFromHeaders", () => {
  it("reads the user and the sign-in time from a valid cookie, in either mode", async () => {
    for (const mode of ["direct", "edge"] as const) {
      const headers = new Headers({ [PEER_HEADER]: peerOf(mode), cookie: await cookieFor(mode, { uid: "u1", sat: 1234 }) });
      expect(await sessionFromHeaders(headers), mode).toEqual({ userId: "u1", signedInAt: 1234 });
      expect(await authJsUserId(mode, headers), mode).toBe("u1");
    }
    const old = new Headers({ cookie: await cookieFor("direct", { uid: "u2" }) });
    expect(await sessionFromHeaders(old)).toEqual({ userId: "u2" });
  });

  it("refuses what Auth.js refuses: another secret, another salt, expired, tampered, the other mode's name, no uid, a Bearer header", async () => {
    const valid = await cookieFor("direct", { uid: "u1", sat: 1 });
    const cases: [string, CookieMode, Headers][] = [
      [
        "another secret",
        "direct",
        new Headers({ cookie: await cookieFor("direct", { uid: "u1" }, { secret: "another secret that is long enough for it" }) }),
      ],
      ["another salt", "direct", new Headers({ cookie: await cookieFor("direct", { uid: "u1" }, { salt: "something-else" }) })],
      ["expired", "direct", new Headers({ cookie: await cookieFor("direct", { uid: "u1" }, { maxAge: -60 }) })],
      ["tampered", "direct", new Headers({ cookie: valid.slice(0, -4) + (valid.endsWith("AAAA") ? "BBBB" : "AAAA") })],
      // A plain-named cookie is not the session through the edge (lib/auth/cookie-names.ts).
      ["plain name via the edge", "edge", new Headers({ [PEER_HEADER]: EDGE_PEER, cookie: valid })],
      ["no uid claim", "direct", new Headers({ cookie: await cookieFor("direct", { sub: "u1" }) })],
      ["a Bearer header, no cookie", "direct", new Headers({ authorization: `Bearer ${valid.split("=")[1]}` })],
      ["no cookie", "direct", new Headers()],
    ];
    for (const [label, mode, headers] of cases) {
      expect(await sessionFromHeaders(headers), label).toBeNull();
      expect(await authJsUserId(mode, headers), label).toBeNull();
    }
  });

  it("is null without a secret", async () => {
    const headers = new Headers({ cookie: await cookieFor("direct", { uid: "u1" }) });
    delete process.env.AUTH_SECRET;
    try {
      expect(await sessionFromHeaders(headers)).toBeNull();
    } finally {
      process.env.AUTH_SECRET = SECRET;
    }
  });
});
