import { getToken } from "next-auth/jwt";
import { authCookies, cookieModeFrom } from "@/lib/auth/cookie-names";

/** What a page needs of the session: whose it is and when they signed in (the `uid` and `sat` claims, lib/auth/next-auth.ts). */
export interface SessionClaims {
  userId: string;
  signedInAt?: number;
}

/**
 * The request's session, read from its session cookie with Auth.js's own decoder (`getToken`:
 * the cookie, chunked or not, under the name for the request's mode, decrypted and checked with
 * the key Auth.js derives from AUTH_SECRET and that name, expiry included); null when there is
 * none or it does not verify.
 *
 * Why not `auth()`: in a page it builds a Request, runs Auth.js's whole session action (config
 * checks, decode, callbacks, a fresh cookie encrypted for a sliding expiry that a page cannot set
 * and Auth.js drops) and a Response whose JSON it parses again: ~1.5 ms of CPU on every view
 * against ~0.3 ms for the decode (docs/benchmarks.md, "Dashboard, round 2, plain SQL"). Only the
 * cookie is read, as `auth()` reads it: never an Authorization header (getToken would take a
 * Bearer JWT from one). The secret is the one next-auth uses: AUTH_SECRET, else NEXTAUTH_SECRET.
 */
export async function sessionFromHeaders(headers: Headers): Promise<SessionClaims | null> {
  const secret = process.env.AUTH_SECRET ?? process.env.NEXTAUTH_SECRET;
  const name = authCookies(cookieModeFrom(headers)).cookies.sessionToken?.name;
  if (!secret || !name) return null;
  const token = await getToken({ req: { headers: new Headers({ cookie: headers.get("cookie") ?? "" }) }, secret, cookieName: name, salt: name });
  if (!token || typeof token.uid !== "string") return null;
  return { userId: token.uid, ...(typeof token.sat === "number" ? { signedInAt: token.sat } : {}) };
}
