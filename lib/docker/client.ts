import "server-only";
import { readFileSync } from "node:fs";
import Docker from "dockerode";
import { EngineConfigError, swarmConfig, type EngineEndpoint } from "@/lib/docker/engine-config";

// The only module that constructs a dockerode client (a test enforces that nothing
// outside lib/docker imports dockerode). docker-modem reads DOCKER_HOST / DOCKER_CERT_PATH
// itself, or falls back to /var/run/docker.sock.
const globalForDocker = globalThis as unknown as { berthDocker?: Docker; berthSwarmClients?: Map<string, Docker> };

/** The single engine (BERTH_ENGINE=docker, the default). */
export function docker(): Docker {
  globalForDocker.berthDocker ??= new Docker();
  return globalForDocker.berthDocker;
}

function readTls(file: string, url: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    throw new EngineConfigError(`cannot read the TLS file ${file} for ${url}`);
  }
}

function clientFor(endpoint: EngineEndpoint): Docker {
  const clients = (globalForDocker.berthSwarmClients ??= new Map());
  const cached = clients.get(endpoint.url);
  if (cached) return cached;
  let client: Docker;
  if (endpoint.kind === "unix") {
    client = new Docker({ socketPath: endpoint.socketPath });
  } else if (endpoint.tls) {
    const { ca, cert, key } = endpoint.tls;
    client = new Docker({
      host: endpoint.host,
      port: endpoint.port,
      protocol: "https",
      ca: readTls(ca, endpoint.url),
      cert: readTls(cert, endpoint.url),
      key: readTls(key, endpoint.url),
    });
  } else {
    // Only loopback reaches here (engine-config refuses plain tcp to any other host).
    client = new Docker({ host: endpoint.host, port: endpoint.port, protocol: "http" });
  }
  clients.set(endpoint.url, client);
  return client;
}

/** The Swarm manager's engine: services, tasks, nodes, networks, events. */
export function managerDocker(): Docker {
  return clientFor(swarmConfig().manager);
}

/**
 * One Swarm node's own engine: the only way to inspect (verify), exec into or probe a task's
 * container, since a manager cannot inspect a worker's containers.
 */
export function nodeDocker(nodeId: string): Docker {
  const endpoint = swarmConfig().nodes[nodeId];
  if (!endpoint) throw new EngineConfigError(`no engine endpoint is configured for Swarm node ${nodeId} (BERTH_SWARM_NODES)`);
  return clientFor(endpoint);
}

/** Node ids that have an engine endpoint configured. */
export function configuredNodeIds(): string[] {
  return Object.keys(swarmConfig().nodes);
}
