import path from "node:path";

/**
 * Where Berth's edge (Caddy in a container of Berth's own) serves the portal and tenant apps,
 * read from the environment once per process (controls N3–N5). Pure: no engine, no database,
 * so the check at start-up and the unit tests share it.
 */
export interface IngressSettings {
  /** The edge runs at all (BERTH_EDGE=off: the portal alone on loopback, no tenant URLs). */
  enabled: boolean;
  /** The portal's public origin, e.g. https://berth.example.com (no path). */
  portalUrl: string;
  portalHost: string;
  /** Tenant apps are served at https://<one label>.<appsDomain>. */
  appsDomain: string;
  httpsPort: number;
  httpPort: number;
  tls: "internal" | "acme";
  acmeEmail?: string;
  /** Host address the edge's HTTPS/HTTP ports are published on. */
  edgeAddress: string;
  /** The edge container's name; its own bridge network has the same name. */
  edgeName: string;
  /** Host folder mounted into the edge at EDGE_MOUNT: Caddy's data (its CA), its sockets. */
  edgeDir: string;
  edgeImage: string;
}

/** Where edgeDir is mounted inside the edge container. */
export const EDGE_MOUNT = "/edge";
/** Relative to edgeDir (host) and EDGE_MOUNT (container). */
export const EDGE_FILES = {
  /** Caddy's admin API: a unix socket, never a TCP port. */
  adminSocket: "run/admin.sock",
  /** The portal's own server listens here for the edge (scripts/portal-server.cjs). */
  portalSocket: "run/portal.sock",
  /** The internal CA's root certificate (Caddy's XDG_DATA_HOME is <edge>/data). */
  caRoot: "data/caddy/pki/authorities/local/root.crt",
} as const;

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a port number from 1 to 65535, got "${raw}"`);
  return value;
}

/** A lower-case DNS name of labels, or a message saying what is wrong with it. */
export function hostNameProblem(name: string): string | undefined {
  if (name.length > 253) return "is longer than 253 characters";
  const labels = name.split(".");
  if (labels.length < 2) return "needs at least two labels (e.g. apps.example.com)";
  const bad = labels.find((l) => !LABEL.test(l));
  return bad === undefined ? undefined : `has a label "${bad}" that is not 1–63 lowercase letters, digits or inner dashes`;
}

/**
 * Control N3: the apps domain is never the portal's host nor related to it by suffix. If the
 * portal's host were under the apps domain, every tenant app could set cookies for it; if the
 * apps domain were under the portal's host, the portal's cookies with a Domain would reach
 * every app. Returns the reason, or undefined when the pair is safe.
 */
export function domainOverlapProblem(portalHost: string, appsDomain: string): string | undefined {
  const p = portalHost.toLowerCase().replace(/\.$/, "");
  const a = appsDomain.toLowerCase().replace(/\.$/, "");
  if (p === a) return `the apps domain "${a}" is the portal's own host name`;
  if (p.endsWith(`.${a}`)) return `the portal's host "${p}" is under the apps domain "${a}": any tenant app could set cookies for the portal`;
  if (a.endsWith(`.${p}`))
    return `the apps domain "${a}" is under the portal's host "${p}": cookies the portal scopes to its domain would reach every tenant app`;
  return undefined;
}

/** The origin a browser sees for a host on the edge's HTTPS port. */
export function httpsOrigin(host: string, httpsPort: number): string {
  return `https://${host}${httpsPort === 443 ? "" : `:${httpsPort}`}`;
}

/**
 * Reads and checks the settings; throws an Error whose message says which variable is wrong
 * and why, so the server refuses to start rather than serve an unsafe pair of domains.
 */
export function readIngressSettings(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): IngressSettings {
  const httpsPort = intFrom(env, "BERTH_HTTPS_PORT", 443);
  const httpPort = intFrom(env, "BERTH_HTTP_PORT", 80);
  if (httpsPort === httpPort) throw new Error(`BERTH_HTTPS_PORT and BERTH_HTTP_PORT must differ (both ${httpsPort})`);

  const rawPortal = env.BERTH_PORTAL_URL || httpsOrigin("portal.localhost", httpsPort);
  let portal: URL;
  try {
    portal = new URL(rawPortal);
  } catch {
    throw new Error(`BERTH_PORTAL_URL must be a URL such as https://berth.example.com, got "${rawPortal}"`);
  }
  if (portal.protocol !== "https:")
    throw new Error(`BERTH_PORTAL_URL must start with https:// (the edge serves the portal over TLS), got "${rawPortal}"`);
  if ((portal.pathname !== "/" && portal.pathname !== "") || portal.search || portal.hash || portal.username) {
    throw new Error(`BERTH_PORTAL_URL must be an origin without a path, query or credentials, got "${rawPortal}"`);
  }
  const portalPort = portal.port === "" ? 443 : Number(portal.port);
  if (portalPort !== httpsPort) {
    throw new Error(`BERTH_PORTAL_URL's port (${portalPort}) must be the edge's HTTPS port BERTH_HTTPS_PORT (${httpsPort})`);
  }
  const portalHost = portal.hostname.toLowerCase();
  const portalProblem = hostNameProblem(portalHost);
  if (portalProblem) throw new Error(`BERTH_PORTAL_URL's host "${portalHost}" ${portalProblem}`);

  const appsDomain = (env.BERTH_APPS_DOMAIN || "apps.localhost").toLowerCase().replace(/\.$/, "");
  const appsProblem = hostNameProblem(appsDomain);
  if (appsProblem) throw new Error(`BERTH_APPS_DOMAIN "${appsDomain}" ${appsProblem}`);
  const overlap = domainOverlapProblem(portalHost, appsDomain);
  if (overlap) {
    throw new Error(
      `BERTH_APPS_DOMAIN and BERTH_PORTAL_URL overlap: ${overlap}. Serve tenant apps from a domain of their own (e.g. example-apps.net).`,
    );
  }

  const tls = env.BERTH_TLS || "internal";
  if (tls !== "internal" && tls !== "acme") throw new Error(`BERTH_TLS must be "internal" or "acme", got "${tls}"`);
  const acmeEmail = env.BERTH_ACME_EMAIL || undefined;
  if (tls === "acme" && (!acmeEmail || !/^[^\s@]+@[^\s@]+$/.test(acmeEmail))) {
    throw new Error("BERTH_TLS=acme needs BERTH_ACME_EMAIL, the e-mail address of the ACME account");
  }

  const edgeName = env.BERTH_EDGE_NAME || "berth-edge";
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/.test(edgeName)) throw new Error(`BERTH_EDGE_NAME is not a container name: "${edgeName}"`);

  return {
    enabled: env.BERTH_EDGE !== "off",
    portalUrl: portal.origin,
    portalHost,
    appsDomain,
    httpsPort,
    httpPort,
    tls,
    ...(acmeEmail ? { acmeEmail } : {}),
    edgeAddress: env.BERTH_EDGE_ADDRESS || "127.0.0.1",
    edgeName,
    edgeDir: path.resolve(cwd, env.BERTH_EDGE_DIR || "data/edge"),
    edgeImage: env.BERTH_EDGE_IMAGE || "berth/edge:1",
  };
}

let cached: IngressSettings | undefined;

export function ingressSettings(): IngressSettings {
  cached ??= readIngressSettings();
  return cached;
}
