import { describe, expect, it } from "vitest";
import { canonicalJson, caddyConfig, routedHosts, routeId } from "./caddy-config";
import { readIngressSettings } from "./settings";

const settings = readIngressSettings({
  BERTH_PORTAL_URL: "https://portal.berth.test:8443",
  BERTH_HTTPS_PORT: "8443",
  BERTH_HTTP_PORT: "8080",
  BERTH_APPS_DOMAIN: "apps.berth.test",
} as unknown as NodeJS.ProcessEnv);

describe("caddyConfig", () => {
  const config = caddyConfig(settings, [
    { hostName: "web--acme.apps.berth.test", upstream: "berth-acme_web:8080" },
    { hostName: "api--beta.apps.berth.test", upstream: "berth-beta_api:3000" },
  ]);
  const json = JSON.stringify(config);

  it("takes admin requests on the unix socket only, and never keeps a config of its own", () => {
    expect(config.admin).toEqual({ listen: "unix//edge/run/admin.sock", origins: ["localhost"], config: { persist: false } });
    expect(json).not.toMatch(/:2019/);
  });

  it("serves the portal from its socket with HSTS, and each app by its host name only", () => {
    const routes = (
      config as { apps: { http: { servers: { berth: { routes: { "@id"?: string; match?: { host: string[] }[]; handle: unknown[] }[] } } } } }
    ).apps.http.servers.berth.routes;
    expect(routes[0]).toMatchObject({
      "@id": "berth-portal",
      match: [{ host: ["portal.berth.test"] }],
      handle: [
        { handler: "headers", response: { set: { "Strict-Transport-Security": ["max-age=31536000"] } } },
        { handler: "reverse_proxy", upstreams: [{ dial: "unix//edge/run/portal.sock" }] },
      ],
    });
    expect(routes.find((r) => r["@id"] === routeId("web--acme.apps.berth.test"))).toMatchObject({
      match: [{ host: ["web--acme.apps.berth.test"] }],
      handle: [{ handler: "reverse_proxy", upstreams: [{ dial: "berth-acme_web:8080" }] }],
    });
    expect(routes.at(-1)).toEqual({ handle: [{ handler: "error", status_code: 404 }] });
    expect(routedHosts(config).sort()).toEqual(["api--beta.apps.berth.test", "web--acme.apps.berth.test"]);
  });

  it("signs every host with the internal CA, or ACME with the account e-mail", () => {
    expect(json).toContain('"issuers":[{"module":"internal"}]');
    const acme = caddyConfig({ ...settings, tls: "acme", acmeEmail: "ops@example.com" }, []);
    expect(JSON.stringify(acme)).toContain('"issuers":[{"module":"acme","email":"ops@example.com"}]');
  });

  it("is the same configuration whatever order the routes come in", () => {
    const reversed = caddyConfig(settings, [
      { hostName: "api--beta.apps.berth.test", upstream: "berth-beta_api:3000" },
      { hostName: "web--acme.apps.berth.test", upstream: "berth-acme_web:8080" },
    ]);
    expect(canonicalJson(reversed)).toBe(canonicalJson(config));
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });
});
