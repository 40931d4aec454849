import type { NextAuthConfig } from "next-auth";
import { peerFrom, viaEdge } from "@/lib/auth/client-info";

/**
 * Control N4: which names and flags the portal's cookies (Auth.js's and the current-tenant
 * preference) have, decided per request in this one place for every entry point (Auth.js's
 * route handlers, auth() in pages, layouts and route handlers, Server Actions).
 *
 * - "edge": the request came through the edge (scripts/portal-server.cjs's unix socket, which
 *   only the edge's uid can open; the peer stamp says so and cannot be forged by a client).
 *   The browser is on HTTPS: `__Host-` names, `Secure`, `HttpOnly`, `SameSite=Lax`, `Path=/`,
 *   no `Domain`, so no sibling host can set or shadow them.
 * - "direct": plain http on the TCP listener (local scripts, tests, `next dev`). A browser drops
 *   a `Secure` cookie set over http, and refuses a `__Host-` name without it, so these keep plain
 *   names without `Secure`.
 *
 * The two sets never mix: a session cookie set in one mode is not read in the other (Auth.js
 * also derives the JWT's key from the cookie's name), so a plain-named cookie a sibling host
 * planted is never taken for the portal's session through the edge.
 */
export type CookieMode = "edge" | "direct";

export function cookieModeFrom(headers: Headers): CookieMode {
  return viaEdge(headers) || isEdgeRequestReplayed(headers) ? "edge" : "direct";
}

/**
 * A Server Action that redirects makes Next fetch the target page from the portal itself, over
 * the loopback listener (scripts/portal-server.cjs sets __NEXT_PRIVATE_ORIGIN as `next start`
 * does), with the original request's headers: the edge's X-Forwarded-Proto/-Host and its
 * `__Host-` cookies. That fetch reads the cookies in the edge's mode. Only the cookie names
 * follow it, never the client address (that needs the socket): a loopback client that claims
 * the mode gains nothing, since a browser only ever sends `__Host-` cookies it got over HTTPS.
 */
function isEdgeRequestReplayed(headers: Headers): boolean {
  const peer = peerFrom(headers);
  return (peer === "127.0.0.1" || peer === "::1") && headers.get("x-forwarded-proto") === "https" && headers.get("x-forwarded-host") !== null;
}

export interface PortalCookieOptions {
  httpOnly: true;
  sameSite: "lax";
  path: "/";
  secure: boolean;
}

export interface PortalCookie {
  name: string;
  options: PortalCookieOptions;
}

function portalCookie(mode: CookieMode, name: string): PortalCookie {
  return {
    name: mode === "edge" ? `__Host-${name}` : name,
    // No domain, ever: a __Host- cookie must not have one, and a plain one is then host-only too.
    options: { httpOnly: true, sameSite: "lax", path: "/", secure: mode === "edge" },
  };
}

/** Every cookie Auth.js may set, by its config key, with Auth.js's own base names. */
const AUTH_COOKIES = {
  sessionToken: "authjs.session-token",
  csrfToken: "authjs.csrf-token",
  callbackUrl: "authjs.callback-url",
  // Only OAuth and WebAuthn set these; named here so no mode leaves one with Auth.js's defaults.
  pkceCodeVerifier: "authjs.pkce.code_verifier",
  state: "authjs.state",
  nonce: "authjs.nonce",
  webauthnChallenge: "authjs.challenge",
} as const satisfies Record<keyof NonNullable<NextAuthConfig["cookies"]>, string>;

/**
 * Auth.js's cookie settings for a mode. Auth.js otherwise picks `__Secure-` names from the
 * request URL's scheme, which under `trustHost` is whatever X-Forwarded-Proto says (a client's
 * own header on the direct listener). Options it is not given (the short maxAge of the OAuth
 * cookies) keep Auth.js's defaults: it merges these into them.
 */
export function authCookies(mode: CookieMode): Required<Pick<NextAuthConfig, "useSecureCookies" | "cookies">> {
  const cookies: NonNullable<NextAuthConfig["cookies"]> = {};
  for (const [key, name] of Object.entries(AUTH_COOKIES) as [keyof typeof AUTH_COOKIES, string][]) cookies[key] = portalCookie(mode, name);
  return { useSecureCookies: mode === "edge", cookies };
}

/** The current-tenant preference (lib/tenancy/current-tenant.ts), named by the same rule. */
export function tenantCookie(mode: CookieMode): PortalCookie {
  return portalCookie(mode, "berth-tenant");
}
