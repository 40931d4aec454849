import { readFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeEdge } from "@/lib/docker/edge";
import { refreshNodePosture } from "@/lib/docker/nodes";
import { EdgeSync } from "@/lib/ingress/edge-sync";
import { EDGE_FILES, ingressSettings } from "@/lib/ingress/settings";
import { launchContainer } from "@/lib/services/launch-container";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { cleanUpTenant, tenantWithOwner, type TestTenant } from "../integration/tenancy";
import { expectVerified, liveOf, waitFor } from "./swarm-support";

/*
 * The edge on Swarm: Berth's Caddy container runs on the manager, joins each tenant's
 * attachable overlay and dials apps by their service name, wherever their task runs.
 */
const settings = ingressSettings();
let sync: EdgeSync;
let tenant: TestTenant;

/** GET https://<host>/ through the edge at its published address, trusting only Berth's internal CA. */
function get(host: string): Promise<{ status: number; body: string }> {
  const ca = readFileSync(path.join(settings.edgeDir, EDGE_FILES.caRoot));
  return new Promise((resolve) => {
    const req = https.get(
      { host: settings.edgeAddress, port: settings.httpsPort, servername: host, headers: { host }, path: "/", ca, timeout: 5000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ status: 0, body: e.message }));
  });
}

beforeAll(async () => {
  await seedStarterCatalog();
  await refreshNodePosture();
  tenant = await tenantWithOwner("swi");
  sync = new EdgeSync(settings, 60_000);
}, 60_000);
afterAll(async () => {
  await cleanUpTenant(tenant);
  await removeEdge(settings);
}, 60_000);

describe("the edge on Swarm", () => {
  it("the ingress URL of an app answers wherever its task runs", async () => {
    const nodes = new Map<string, string>();
    for (let i = 0; i < 4 && nodes.size < 2; i++) {
      const c = await launchContainer(tenant.owner, tenant.id, {
        name: `site${i}`,
        image: "berth/static-web:1",
        ports: [{ container: 8080 }],
        memoryMb: 32,
        cpuMillis: 100,
      });
      await expectVerified(c.id);
      const node = (await liveOf(c.id)).berthSwarm.nodeId ?? "";
      if (!nodes.has(node)) nodes.set(node, `site${i}--${tenant.slug}.${settings.appsDomain}`);
    }
    expect(nodes.size, "apps on both nodes").toBe(2);
    await sync.sync();
    expect(sync.health).toMatchObject({ reachable: true });
    for (const host of nodes.values()) {
      const answer = await waitFor(
        `https://${host}/`,
        () => get(host),
        (r) => r.status === 200,
        30_000,
      );
      expect(answer.body).toContain("Hello from Berth");
    }
  });
});
