import { EDGE_FILES, EDGE_MOUNT, type IngressSettings } from "./settings";

/**
 * The edge's whole Caddy configuration, derived from the settings and the routes in the
 * database; Berth loads it through the admin API (lib/ingress/edge-sync.ts) and nothing else
 * configures Caddy. Pure, so the shape is unit-tested and the drift check compares like with like.
 */

export interface EdgeRoute {
  hostName: string;
  /** Where the edge dials the app: the container's Docker name on its tenant network. */
  upstream: string;
}

/** The @id of a tenant route in Caddy's config (`DELETE /id/<id>` removes it). */
export const routeId = (hostName: string) => `berth-route-${hostName}`;
export const PORTAL_ROUTE_ID = "berth-portal";
export const SERVER_NAME = "berth";
const REDIRECT_SERVER = "berth-http";

// One year, the usual HSTS lifetime; no includeSubDomains: the portal's host may have
// siblings Berth does not serve.
const HSTS = "max-age=31536000";

const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>` +
  `<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f7f9;color:#1d2430}` +
  `main{max-width:32rem;padding:2rem}h1{font-size:1.4rem;margin:0 0 .5rem}p{margin:0;color:#4a5568}small{display:block;margin-top:1.5rem;color:#718096}</style></head>` +
  `<body><main><h1>${title}</h1><p>${text}</p><small>Served by Berth's edge</small></main></body></html>`;

export const APP_DOWN_PAGE = page(
  "This app is not running",
  "The container behind this address is stopped or starting. If it is yours, start it from Berth; it answers here again once it is running.",
);
export const PORTAL_DOWN_PAGE = page("Berth is starting", "The portal is not answering yet. Try again in a few seconds.");
export const NOT_FOUND_PAGE = page("Nothing is served here", "No app on this Berth answers at this address.");

const html = { "Content-Type": ["text/html; charset=utf-8"], "Cache-Control": ["no-store"] };

export function caddyConfig(settings: IngressSettings, routes: readonly EdgeRoute[]): Record<string, unknown> {
  const sorted = [...routes].sort((a, b) => a.hostName.localeCompare(b.hostName));
  const hosts = [settings.portalHost, ...sorted.map((r) => r.hostName)];
  const issuer = settings.tls === "acme" ? { module: "acme", email: settings.acmeEmail } : { module: "internal" };
  return {
    admin: {
      listen: `unix/${EDGE_MOUNT}/${EDGE_FILES.adminSocket}`,
      // Caddy refuses admin requests whose Host is not listed; Berth sends "localhost".
      origins: ["localhost"],
      // Berth holds the configuration; a restarted edge gets it from Berth, not from a file Caddy kept.
      config: { persist: false },
    },
    apps: {
      http: {
        http_port: settings.httpPort,
        https_port: settings.httpsPort,
        servers: {
          [SERVER_NAME]: {
            listen: [`:${settings.httpsPort}`],
            // HTTP/1.1 and 2 over TCP: the edge publishes no UDP port for HTTP/3.
            protocols: ["h1", "h2"],
            // Caddy's own redirect drops a non-standard HTTPS port; SERVER_HTTP redirects instead.
            automatic_https: { disable_redirects: true },
            routes: [
              {
                "@id": PORTAL_ROUTE_ID,
                match: [{ host: [settings.portalHost] }],
                handle: [
                  { handler: "headers", response: { set: { "Strict-Transport-Security": [HSTS] } } },
                  // The portal's own server listens on this socket (scripts/portal-server.cjs).
                  { handler: "reverse_proxy", upstreams: [{ dial: `unix/${EDGE_MOUNT}/${EDGE_FILES.portalSocket}` }] },
                ],
                terminal: true,
              },
              ...sorted.map((r) => ({
                "@id": routeId(r.hostName),
                match: [{ host: [r.hostName] }],
                handle: [{ handler: "reverse_proxy", upstreams: [{ dial: r.upstream }] }],
                terminal: true,
              })),
              { handle: [{ handler: "error", status_code: 404 }] },
            ],
            // A stopped app cannot be dialled (its name leaves the network's DNS): 502, and Berth's page.
            errors: {
              routes: [
                {
                  match: [{ host: [settings.portalHost], expression: "{http.error.status_code} == 502" }],
                  handle: [{ handler: "static_response", status_code: 502, headers: html, body: PORTAL_DOWN_PAGE }],
                  terminal: true,
                },
                {
                  match: [{ expression: "{http.error.status_code} == 502" }],
                  handle: [{ handler: "static_response", status_code: 502, headers: html, body: APP_DOWN_PAGE }],
                  terminal: true,
                },
                { handle: [{ handler: "static_response", status_code: "{http.error.status_code}", headers: html, body: NOT_FOUND_PAGE }] },
              ],
            },
          },
          [REDIRECT_SERVER]: {
            listen: [`:${settings.httpPort}`],
            // Plain HTTP only says where the HTTPS address is (ACME's HTTP challenges are
            // answered on this port by Caddy before any route).
            routes: [
              {
                handle: [
                  {
                    handler: "static_response",
                    status_code: 308,
                    headers: {
                      Location: [`https://{http.request.host}${settings.httpsPort === 443 ? "" : `:${settings.httpsPort}`}{http.request.uri}`],
                    },
                  },
                ],
              },
            ],
          },
        },
      },
      tls: { automation: { policies: [{ subjects: hosts, issuers: [issuer] }] } },
      // The CA's root is handed to users (GET /api/v1/ingress); Caddy must not try to add it to
      // its own container's trust store.
      pki: { certificate_authorities: { local: { install_trust: false } } },
    },
  };
}

/** The host names a loaded configuration routes to tenant apps (for health and drift reports). */
export function routedHosts(config: unknown): string[] {
  const servers = (config as { apps?: { http?: { servers?: Record<string, { routes?: { "@id"?: unknown; match?: { host?: string[] }[] }[] }> } } })
    ?.apps?.http?.servers;
  const routes = servers?.[SERVER_NAME]?.routes ?? [];
  return routes.filter((r) => typeof r["@id"] === "string" && r["@id"].startsWith("berth-route-")).flatMap((r) => r.match?.[0]?.host ?? []);
}

/** JSON with object keys sorted, so two configurations compare by content. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
