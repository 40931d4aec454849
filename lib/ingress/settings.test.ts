import { describe, expect, it } from "vitest";
import { domainOverlapProblem, readIngressSettings } from "./settings";

const read = (env: Record<string, string>) => readIngressSettings(env as NodeJS.ProcessEnv, "/srv/berth");

describe("ingress settings", () => {
  it("defaults to the internal CA on 443/80 with portal.localhost and apps.localhost", () => {
    expect(read({})).toMatchObject({
      enabled: true,
      portalUrl: "https://portal.localhost",
      portalHost: "portal.localhost",
      appsDomain: "apps.localhost",
      httpsPort: 443,
      httpPort: 80,
      tls: "internal",
      edgeAddress: "127.0.0.1",
      edgeName: "berth-edge",
      edgeDir: "/srv/berth/data/edge",
    });
    expect(read({ BERTH_HTTPS_PORT: "8443" }).portalUrl).toBe("https://portal.localhost:8443");
  });

  it("refuses an apps domain that is, contains or is contained by the portal's host (N3)", () => {
    const portal = { BERTH_PORTAL_URL: "https://berth.example.com" };
    expect(() => read({ ...portal, BERTH_APPS_DOMAIN: "berth.example.com" })).toThrow(/is the portal's own host name/);
    expect(() => read({ ...portal, BERTH_APPS_DOMAIN: "example.com" })).toThrow(
      /portal's host "berth.example.com" is under the apps domain "example.com"/,
    );
    expect(() => read({ ...portal, BERTH_APPS_DOMAIN: "apps.berth.example.com" })).toThrow(/under the portal's host/);
    expect(read({ ...portal, BERTH_APPS_DOMAIN: "example-apps.net" }).appsDomain).toBe("example-apps.net");
    // Siblings are allowed by the check (the README recommends another registrable domain; __Host- cookies hold either way).
    expect(domainOverlapProblem("portal.example.com", "apps.example.com")).toBeUndefined();
    // A suffix that is not at a label boundary is not a parent.
    expect(domainOverlapProblem("myexample.com", "example.com")).toBeUndefined();
    expect(domainOverlapProblem("Berth.Example.com.", "berth.example.com")).toMatch(/own host name/);
  });

  it("says which setting is wrong", () => {
    expect(() => read({ BERTH_PORTAL_URL: "http://berth.example.com" })).toThrow(/BERTH_PORTAL_URL must start with https/);
    expect(() => read({ BERTH_PORTAL_URL: "https://berth.example.com/portal" })).toThrow(/without a path/);
    expect(() => read({ BERTH_PORTAL_URL: "https://berth.example.com:8443" })).toThrow(/must be the edge's HTTPS port/);
    expect(() => read({ BERTH_APPS_DOMAIN: "apps" })).toThrow(/BERTH_APPS_DOMAIN "apps" needs at least two labels/);
    expect(() => read({ BERTH_APPS_DOMAIN: "apps_x.example.com" })).toThrow(/label "apps_x"/);
    expect(() => read({ BERTH_TLS: "acme" })).toThrow(/BERTH_ACME_EMAIL/);
    expect(read({ BERTH_TLS: "acme", BERTH_ACME_EMAIL: "ops@example.com" })).toMatchObject({ tls: "acme", acmeEmail: "ops@example.com" });
    expect(() => read({ BERTH_HTTPS_PORT: "70000" })).toThrow(/BERTH_HTTPS_PORT/);
    expect(() => read({ BERTH_HTTPS_PORT: "8080", BERTH_HTTP_PORT: "8080", BERTH_PORTAL_URL: "https://p.example.com:8080" })).toThrow(/must differ/);
  });
});
