import { viaEdge } from "@/lib/auth/client-info";

/**
 * Whether Next may run a Server Action for this request, by Next's own test
 * (next/dist/server/lib/server-action-request-meta.js): a POST with a Next-Action header (an
 * action called from script) or with a form's content type (a form submitted before hydration
 * carries no header; the action's id is in the body). Route handlers that take other POSTs
 * (JSON) check their own origin and answer in their own format.
 */
function isPossibleServerAction(method: string, headers: Headers): boolean {
  if (method.toUpperCase() !== "POST") return false;
  if (headers.has("next-action")) return true;
  const type = headers.get("content-type")?.trim().toLowerCase() ?? "";
  return type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded");
}

/** The origin of a URL, or undefined for none, "null" or anything that is not a URL. */
function originOf(url: string | null): string | undefined {
  if (!url || !URL.canParse(url)) return undefined;
  const { origin } = new URL(url);
  return origin === "null" ? undefined : origin;
}

/**
 * Server Actions accept the portal's own origin only (controls N3, N4), checked in proxy.ts:
 * through the edge, the portal's public origin (BERTH_PORTAL_URL), never a tenant app's or
 * another host's; on the direct listener, which speaks plain http, the request's own http
 * origin. Next's own check compares Origin with Host or X-Forwarded-Host, which whoever sends
 * the request chooses; this one compares with the one origin the portal has.
 *
 * Not only requests with a Next-Action header are checked: a Server Action a form submits
 * before hydration carries none, and a cross-site form post is exactly the request another site
 * can make a browser send (a Next-Action header it cannot add without CORS). Browsers send
 * Origin with every POST, so a missing or "null" one is refused too.
 *
 * `portalUrl` is called only for a request through the edge. Returns the reason for a 403, or
 * undefined when the request may pass.
 */
export function foreignOriginReason(method: string, headers: Headers, portalUrl: () => string): string | undefined {
  if (!isPossibleServerAction(method, headers)) return undefined;
  const expected = viaEdge(headers) ? portalUrl() : `http://${headers.get("host") ?? ""}`;
  const origin = headers.get("origin");
  const want = originOf(expected);
  if (want !== undefined && originOf(origin) === want) return undefined;
  const sent = origin === null ? "no Origin" : `Origin ${origin.slice(0, 200)}`;
  return `Refused: this request did not come from Berth's own pages (${sent}; expected ${want ?? expected.slice(0, 200)}). Reload the page and try again.`;
}
