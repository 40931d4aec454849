import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { X509Certificate } from "node:crypto";
import { recordActivity } from "@/lib/activity/record";
import { db } from "@/lib/db";
import { tenantNetworkName } from "@/lib/docker/networks";
import { connectEdge, disconnectEdge, edgeNetworks, edgeState, ensureEdge } from "@/lib/docker/edge";
import { containerDockerName } from "@/lib/policy";
import { caddyAdmin } from "./caddy-admin";
import { caddyConfig, canonicalJson, routedHosts, type EdgeRoute } from "./caddy-config";
import { EDGE_FILES, type IngressSettings } from "./settings";

/**
 * Keeps the edge true to the database, like the reconciler keeps container rows true to the
 * engine: the edge container runs, it has joined exactly the tenant networks it routes to,
 * and Caddy holds exactly the configuration derived from the routes. A configuration that
 * changed behind Berth's back (edited by hand, or a Caddy that restarted with an old one) is
 * put back and recorded as `ingress.drift`. Launches never wait for the edge: a launch
 * writes its route row and kicks a pass; if the edge is down the URL answers once it is back.
 */

export interface EdgeHealth {
  enabled: boolean;
  /** Caddy's admin API answered on the last pass. */
  reachable: boolean;
  routesExpected: number;
  /** Expected routes Caddy holds after the last pass. */
  routesPresent: number;
  tls: "internal" | "acme";
  /** Who signs the edge's certificates: the internal CA's name, or the ACME account. */
  certificateIssuer?: string;
  lastSyncAt?: string;
  problem?: string;
}

const system = { kind: "system" } as const;
const DEFAULT_INTERVAL_MS = 2000;

/** The routes the database holds, with where the edge dials each app, and the networks they need. */
export async function desiredRoutes(): Promise<{ routes: EdgeRoute[]; networks: string[] }> {
  const rows = await db.ingressRoute.findMany({
    select: { hostName: true, containerPort: true, container: { select: { name: true, tenant: { select: { slug: true } } } } },
  });
  const routes = rows.map((r) => ({
    hostName: r.hostName,
    upstream: `${containerDockerName(r.container.tenant.slug, r.container.name)}:${r.containerPort}`,
  }));
  const networks = [...new Set(rows.map((r) => tenantNetworkName(r.container.tenant.slug)))].sort();
  return { routes, networks };
}

async function issuerOf(settings: IngressSettings): Promise<string | undefined> {
  if (settings.tls === "acme") return `ACME account ${settings.acmeEmail ?? ""}`.trim();
  const pem = await readFile(path.join(settings.edgeDir, EDGE_FILES.caRoot), "utf8").catch(() => null);
  if (!pem) return undefined;
  try {
    return new X509Certificate(pem).subject.replace(/\n/g, ", ");
  } catch {
    return undefined;
  }
}

export class EdgeSync {
  health: EdgeHealth;
  /** The configuration this process last loaded: what Caddy should still hold. */
  private loaded: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private again = false;

  constructor(
    readonly settings: IngressSettings,
    private readonly intervalMs = Number(process.env.BERTH_EDGE_SYNC_MS) || DEFAULT_INTERVAL_MS,
  ) {
    this.health = { enabled: settings.enabled, reachable: false, routesExpected: 0, routesPresent: 0, tls: settings.tls };
  }

  start(): void {
    if (!this.settings.enabled || this.timer) return;
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.timer.unref();
    this.kick();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A pass soon; passes never overlap, and a kick during one runs another after it. */
  kick(): void {
    void this.sync().catch(() => undefined);
  }

  /** One pass; resolves when the edge matches the database (or the pass failed, see health.problem). */
  sync(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = this.pass()
      .catch((error: unknown) => {
        this.health = { ...this.health, reachable: false, problem: error instanceof Error ? error.message : String(error) };
      })
      .finally(() => {
        this.inFlight = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
    return this.inFlight;
  }

  private async pass(): Promise<void> {
    const { settings } = this;
    const { routes, networks } = await desiredRoutes();
    const desired = caddyConfig(settings, routes);
    // Settings change only with a restart of the portal: its first pass makes sure the edge
    // was created from them (ensureEdge recreates one whose image, ports or address differ).
    const state = await edgeState(settings);
    if (!state?.running || this.loaded === undefined) await ensureEdge(settings, desired);

    const attached = new Set(await edgeNetworks(settings));
    for (const network of networks) if (!attached.has(network)) await connectEdge(settings, network).catch(() => undefined);
    for (const network of attached) {
      if (network !== settings.edgeName && !networks.includes(network)) await disconnectEdge(settings, network);
    }

    const admin = caddyAdmin(path.join(settings.edgeDir, EDGE_FILES.adminSocket));
    const current = await waitForConfig(admin);
    const want = canonicalJson(desired);
    const have = canonicalJson(current);
    if (have !== want) {
      if (this.loaded !== undefined && have !== this.loaded) await this.recordDrift(current, routes);
      await admin.load(desired);
    }
    this.loaded = want;
    const present = new Set(routedHosts(await admin.getConfig()));
    this.health = {
      enabled: true,
      reachable: true,
      routesExpected: routes.length,
      routesPresent: routes.filter((r) => present.has(r.hostName)).length,
      tls: settings.tls,
      certificateIssuer: await issuerOf(settings),
      lastSyncAt: new Date().toISOString(),
    };
  }

  private async recordDrift(current: unknown, routes: EdgeRoute[]): Promise<void> {
    const present = new Set(routedHosts(current));
    const expected = new Set(routes.map((r) => r.hostName));
    const missing = [...expected].filter((h) => !present.has(h));
    const unexpected = [...present].filter((h) => !expected.has(h));
    const reason =
      current === null
        ? "the edge had no configuration (restarted or reset); Berth loaded its routes again"
        : `the edge's configuration was changed outside Berth${missing.length ? `: ${missing.length} route(s) missing` : ""}${unexpected.length ? `, ${unexpected.length} unknown` : ""}; Berth restored it`;
    await recordActivity(system, {
      action: "ingress.drift",
      outcome: "failed",
      target: `edge:${this.settings.edgeName}`,
      reason,
      details: { missing: missing.slice(0, 50), unexpected: unexpected.slice(0, 50) },
    }).catch((error: unknown) => console.error("[edge] could not record drift:", error));
  }
}

/** Caddy's config, waiting a few seconds for an edge that is still starting. */
async function waitForConfig(admin: ReturnType<typeof caddyAdmin>): Promise<unknown> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await admin.getConfig();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

// One per process, shared across Next's module instances like the reconciler.
const KEY = Symbol.for("berth.edgeSync");
type WithSync = typeof globalThis & { [KEY]?: EdgeSync };

export function startEdgeSync(settings: IngressSettings): EdgeSync {
  const g = globalThis as WithSync;
  g[KEY] ??= new EdgeSync(settings);
  g[KEY].start();
  return g[KEY];
}

export function currentEdgeSync(): EdgeSync | undefined {
  return (globalThis as WithSync)[KEY];
}

/** After a route was added or removed: the running edge sync (if any) takes it up now. */
export function kickEdge(): void {
  currentEdgeSync()?.kick();
}
