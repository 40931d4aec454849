import "server-only";
import { z } from "zod";

/**
 * Which engine backend runs tenants' workloads, and where its endpoints are. Read from the
 * environment once per process:
 *
 *   BERTH_ENGINE          "docker" (default: the one engine of DOCKER_HOST or the local socket)
 *                         or "swarm"
 *   BERTH_SWARM_MANAGER   the manager's endpoint (an endpoint, see below)
 *   BERTH_SWARM_NODES     JSON object: Swarm node id → that node's own engine endpoint. A
 *                         manager cannot inspect a worker's containers, so the verifier and
 *                         the posture probe talk to each node's engine (hardening S1, S3).
 *   BERTH_SWARM_TLS_DIR   optional: a folder with ca.pem, cert.pem, key.pem (Docker's own
 *                         names) used by every tcp:// endpoint that names no files itself
 *
 * An endpoint is "unix:///path/docker.sock", "tcp://host:2376", or an object
 * {"url": "tcp://host:2376", "ca": "/path/ca.pem", "cert": "/path/cert.pem", "key": "/path/key.pem"}.
 * A tcp:// endpoint needs TLS with a client certificate unless its host is loopback: a plain
 * Docker API on the network is root on that machine for whoever reaches it.
 */
export type EngineKind = "docker" | "swarm";

export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

export type EngineEndpoint =
  { url: string; kind: "unix"; socketPath: string } | { url: string; kind: "tcp"; host: string; port: number; tls: TlsFiles | null };

export interface SwarmConfig {
  manager: EngineEndpoint;
  /** Swarm node id → its engine. */
  nodes: Readonly<Record<string, EngineEndpoint>>;
}

export type EngineConfig = { kind: "docker" } | { kind: "swarm"; swarm: SwarmConfig };

export class EngineConfigError extends Error {
  override name = "EngineConfigError";
}

type Env = Readonly<Record<string, string | undefined>>;

const endpointObject = z
  .object({
    url: z.string().min(1),
    ca: z.string().min(1).optional(),
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
  })
  .strict();
const endpointInput = z.union([z.string().min(1), endpointObject]);
type EndpointInput = z.infer<typeof endpointInput>;

// Swarm node ids are 25 lower-case base-36 characters; accept any plain token so a real
// Swarm's ids always pass, but nothing that could be read as a path or a filter expression.
const NODE_ID = /^[A-Za-z0-9]{1,64}$/;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

function parseEndpoint(input: EndpointInput, name: string, env: Env): EngineEndpoint {
  const spec = typeof input === "string" ? { url: input } : input;
  const url = spec.url.trim();
  if (url.startsWith("unix://")) {
    const socketPath = url.slice("unix://".length);
    if (!socketPath.startsWith("/")) throw new EngineConfigError(`${name}: a unix endpoint needs an absolute path, got "${url}"`);
    if (spec.ca || spec.cert || spec.key) throw new EngineConfigError(`${name}: TLS files make no sense on a unix socket`);
    return { url, kind: "unix", socketPath };
  }
  const match = /^tcp:\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})\/?$/.exec(url);
  if (!match) throw new EngineConfigError(`${name}: expected unix:///path or tcp://host:port, got "${url}"`);
  const host = match[1];
  const port = Number(match[2]);
  if (port < 1 || port > 65535) throw new EngineConfigError(`${name}: port ${port} is out of range`);
  const tls = tlsFiles(spec, name, env);
  if (!tls && !LOOPBACK.has(host)) {
    throw new EngineConfigError(
      `${name}: ${url} has no TLS client certificate (give ca, cert and key, or BERTH_SWARM_TLS_DIR); a plain Docker API on the network is root for whoever reaches it`,
    );
  }
  return { url, kind: "tcp", host: host.replace(/^\[|\]$/g, ""), port, tls };
}

function tlsFiles(spec: { ca?: string; cert?: string; key?: string }, name: string, env: Env): TlsFiles | null {
  const given = [spec.ca, spec.cert, spec.key].filter(Boolean).length;
  if (given === 3) return { ca: spec.ca!, cert: spec.cert!, key: spec.key! };
  if (given > 0) throw new EngineConfigError(`${name}: TLS needs all three of ca, cert and key`);
  const dir = env.BERTH_SWARM_TLS_DIR?.replace(/\/+$/, "");
  if (!dir) return null;
  return { ca: `${dir}/ca.pem`, cert: `${dir}/cert.pem`, key: `${dir}/key.pem` };
}

function jsonOf(raw: string, name: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new EngineConfigError(`${name} is not valid JSON`);
  }
}

/** The manager endpoint may be written as a URL or as a JSON endpoint object. */
function managerInput(raw: string): EndpointInput {
  const trimmed = raw.trim();
  if (!trimmed.startsWith("{")) return trimmed;
  const parsed = endpointObject.safeParse(jsonOf(trimmed, "BERTH_SWARM_MANAGER"));
  if (!parsed.success) throw new EngineConfigError(`BERTH_SWARM_MANAGER: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

/** Pure parse of the engine settings (unit-tested); throws EngineConfigError with the variable's name. */
export function parseEngineConfig(env: Env): EngineConfig {
  const kind = (env.BERTH_ENGINE ?? "").trim() || "docker";
  if (kind === "docker") return { kind: "docker" };
  if (kind !== "swarm") throw new EngineConfigError(`BERTH_ENGINE must be "docker" or "swarm", got "${kind}"`);

  const managerRaw = env.BERTH_SWARM_MANAGER;
  if (!managerRaw?.trim()) throw new EngineConfigError("BERTH_SWARM_MANAGER is required when BERTH_ENGINE=swarm");
  const manager = parseEndpoint(managerInput(managerRaw), "BERTH_SWARM_MANAGER", env);

  const nodesRaw = env.BERTH_SWARM_NODES;
  if (!nodesRaw?.trim()) {
    throw new EngineConfigError("BERTH_SWARM_NODES is required when BERTH_ENGINE=swarm (node id → engine endpoint, as JSON)");
  }
  const parsed = z.record(z.string(), endpointInput).safeParse(jsonOf(nodesRaw, "BERTH_SWARM_NODES"));
  if (!parsed.success) {
    throw new EngineConfigError(`BERTH_SWARM_NODES must map node ids to endpoints (a URL or {url, ca, cert, key})`);
  }
  const nodes: Record<string, EngineEndpoint> = {};
  for (const [id, input] of Object.entries(parsed.data)) {
    if (!NODE_ID.test(id)) throw new EngineConfigError(`BERTH_SWARM_NODES: "${id}" is not a Swarm node id`);
    nodes[id] = parseEndpoint(input, `BERTH_SWARM_NODES.${id}`, env);
  }
  if (Object.keys(nodes).length === 0) throw new EngineConfigError("BERTH_SWARM_NODES names no node");
  return { kind: "swarm", swarm: { manager, nodes } };
}

const globalForConfig = globalThis as unknown as { berthEngineConfig?: EngineConfig };

/** The process's engine settings, parsed once; a bad setting fails loudly at first use. */
export function engineConfig(): EngineConfig {
  globalForConfig.berthEngineConfig ??= parseEngineConfig(process.env);
  return globalForConfig.berthEngineConfig;
}

export function engineKind(): EngineKind {
  return engineConfig().kind;
}

/** The Swarm settings; throws when Berth runs on the single engine. */
export function swarmConfig(): SwarmConfig {
  const config = engineConfig();
  if (config.kind !== "swarm") throw new EngineConfigError("Berth runs on a single engine (BERTH_ENGINE is not swarm)");
  return config.swarm;
}

/** Forgets the parsed settings (tests that change the environment). */
export function resetEngineConfig(): void {
  globalForConfig.berthEngineConfig = undefined;
}
