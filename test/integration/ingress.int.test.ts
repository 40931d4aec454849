import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { removeEdge } from "@/lib/docker/edge";
import { caddyAdmin } from "@/lib/ingress/caddy-admin";
import { routeId, routedHosts } from "@/lib/ingress/caddy-config";
import { EdgeSync } from "@/lib/ingress/edge-sync";
import { EDGE_FILES, ingressSettings } from "@/lib/ingress/settings";
import { changeContainerState, removeContainer } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { codeOf, eventually } from "./fixtures";
import { cleanUpTenant, expectHardened, tenantWithOwner, type TestTenant } from "./tenancy";

/**
 * Berth's edge for real: Caddy in Berth's own container, configured only through its admin
 * socket, serving a tenant app by host name over HTTPS signed by its internal CA, which the
 * client here trusts (verification is never turned off).
 */

const settings = ingressSettings();
const WEB = "berth/static-web:1";
let sync: EdgeSync;
let a: TestTenant;

interface Answer {
  status: number;
  body: string;
}

/** GET https://<host>/ through the edge on loopback, trusting only Berth's internal CA. */
function get(host: string): Promise<Answer> {
  const ca = readFileSync(path.join(settings.edgeDir, EDGE_FILES.caRoot));
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: "127.0.0.1", port: settings.httpsPort, servername: host, headers: { host }, path: "/", ca, timeout: 5000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

/** The answer once `ok` holds (the edge dials by name; a fresh certificate takes a moment). */
async function answerOf(host: string, ok: (a: Answer) => boolean): Promise<Answer> {
  return eventually(() => get(host).catch((e: Error) => ({ status: 0, body: e.message })), ok, 20_000);
}

beforeAll(async () => {
  await seedStarterCatalog();
  a = await tenantWithOwner("edge");
  sync = new EdgeSync(settings, 60_000);
}, 60_000);

afterAll(async () => {
  await cleanUpTenant(a);
  await removeEdge(settings);
}, 60_000);

describe("the edge serves tenant apps by host name over HTTPS (real Caddy)", () => {
  it("routes a launched app, answers 502 with Berth's page while it is stopped, restores drift, and drops the route on removal", async () => {
    const c = await launchContainer(a.owner, a.id, { name: "site", image: WEB, ports: [{ container: 8080 }], memoryMb: 32, cpuMillis: 100 });
    const host = `site--${a.slug}.${settings.appsDomain}`;
    expect(c.ports).toEqual([
      { container: 8080, protocol: "tcp", expose: "https", hostIp: null, hostPort: null, url: `https://${host}:${settings.httpsPort}/` },
    ]);
    await expectHardened(c.id);
    // Nothing is published on the host for an HTTPS port.
    const row = await db.container.findUniqueOrThrow({ where: { id: c.id } });
    const bindings = JSON.parse(
      execFileSync("docker", ["inspect", "-f", "{{json .HostConfig.PortBindings}}", row.dockerId ?? ""], { encoding: "utf8" }),
    );
    expect(bindings ?? {}).toEqual({});
    expect(await db.activityEvent.count({ where: { action: "ingress.route.add", target: `route:${host}` } })).toBe(1);

    await sync.sync();
    expect(sync.health).toMatchObject({ reachable: true, routesExpected: 1, routesPresent: 1, tls: "internal" });
    expect(sync.health.certificateIssuer).toContain("Caddy Local Authority");
    // Caddy holds exactly what Berth loaded: a pass with nothing changed finds no drift.
    await sync.sync();
    expect(await db.activityEvent.count({ where: { action: "ingress.drift" } })).toBe(0);
    // Plain HTTP only redirects, to the HTTPS port the edge really serves.
    const redirect = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ host: "127.0.0.1", port: settings.httpPort, path: "/x?y=1", headers: { host } }, resolve).on("error", reject),
    );
    redirect.resume();
    expect(redirect.statusCode).toBe(308);
    expect(redirect.headers.location).toBe(`https://${host}:${settings.httpsPort}/x?y=1`);
    const served = await answerOf(host, (r) => r.status === 200);
    expect(served.status).toBe(200);
    expect(served.body).toContain("Hello from Berth");

    await changeContainerState(a.owner, c.id, "stop");
    const down = await answerOf(host, (r) => r.status === 502);
    expect(down.status).toBe(502);
    expect(down.body).toContain("This app is not running");
    await changeContainerState(a.owner, c.id, "start");
    expect((await answerOf(host, (r) => r.status === 200)).status).toBe(200);

    // A route deleted by hand is put back on the next pass, and the drift is recorded.
    const admin = caddyAdmin(path.join(settings.edgeDir, EDGE_FILES.adminSocket));
    expect(await admin.deleteId(routeId(host))).toBe(true);
    expect(routedHosts(await admin.getConfig())).not.toContain(host);
    await sync.sync();
    expect(routedHosts(await admin.getConfig())).toContain(host);
    const drift = await db.activityEvent.findFirst({ where: { action: "ingress.drift" }, orderBy: { seq: "desc" } });
    expect(drift?.reason).toContain("changed outside Berth: 1 route(s) missing");
    expect((await answerOf(host, (r) => r.status === 200)).status).toBe(200);

    // Caddy killed: the next pass starts the edge again with every route.
    execFileSync("docker", ["kill", settings.edgeName], { stdio: "pipe" });
    await sync.sync();
    expect(sync.health).toMatchObject({ reachable: true, routesPresent: 1 });
    expect((await answerOf(host, (r) => r.status === 200)).body).toContain("Hello from Berth");

    await removeContainer(a.owner, c.id);
    expect(await db.ingressRoute.count({ where: { hostName: host } })).toBe(0);
    expect(await db.activityEvent.count({ where: { action: "ingress.route.remove", target: `route:${host}` } })).toBe(1);
    await sync.sync();
    expect(routedHosts(await admin.getConfig())).not.toContain(host);
    const gone = await answerOf(host, (r) => r.status !== 200);
    expect(gone.body).not.toContain("Hello from Berth");
  }, 120_000);

  it("keeps host names unique across tenants; a taken name refuses the launch and leaves nothing behind", async () => {
    const b = await tenantWithOwner("edge-b");
    try {
      const host = `app--${b.slug}.${settings.appsDomain}`;
      // Held by one of tenant a's containers (as a hash collision or a reused name would be).
      const holder = await launchContainer(a.owner, a.id, {
        name: "holder",
        image: WEB,
        ports: [{ container: 8080, expose: "port" }],
        memoryMb: 32,
        cpuMillis: 100,
      });
      await db.ingressRoute.create({ data: { hostName: host, containerId: holder.id, containerPort: 9999 } });
      const before = await db.container.count({ where: { tenantId: b.id } });
      const refused = launchContainer(b.owner, b.id, { name: "app", image: WEB, ports: [{ container: 8080 }], memoryMb: 32, cpuMillis: 100 });
      expect(await codeOf(refused)).toBe("conflict");
      expect(await db.container.count({ where: { tenantId: b.id } })).toBe(before);
      // The container row is the quota reservation: none is left, nor a route or an event of success.
      expect(await db.ingressRoute.count({ where: { container: { tenantId: b.id } } })).toBe(0);
      expect(await db.activityEvent.count({ where: { tenantId: b.id, action: "container.launch", outcome: "denied" } })).toBe(1);
      await removeContainer(a.owner, holder.id);
      expect(await db.ingressRoute.count({ where: { hostName: host } })).toBe(0);
    } finally {
      await cleanUpTenant(b);
    }
  }, 60_000);
});

describe("the apps domain and the portal's host", () => {
  it("refuses to start the portal when they overlap, saying which settings and why (N3)", () => {
    const run = (env: Record<string, string>) => {
      try {
        execFileSync("npx", ["tsx", "--conditions=react-server", "scripts/bootstrap.ts"], {
          env: { ...process.env, ...env },
          stdio: "pipe",
          encoding: "utf8",
        });
        return { code: 0, stderr: "" };
      } catch (error) {
        const e = error as { status: number; stderr: string };
        return { code: e.status, stderr: e.stderr };
      }
    };
    const refused = run({ BERTH_PORTAL_URL: "https://berth.example.com", BERTH_HTTPS_PORT: "443", BERTH_APPS_DOMAIN: "example.com" });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'BERTH_APPS_DOMAIN and BERTH_PORTAL_URL overlap: the portal\'s host "berth.example.com" is under the apps domain "example.com"',
    );
  }, 60_000);
});
