import type { EngineConfig, EngineEndpoint } from "@/lib/docker/engine-config";

/**
 * The database lease that lets one process reconcile one engine: named after the engine
 * Berth follows. On one engine that is DOCKER_HOST (or the local socket), as it always was;
 * on Swarm it is the manager's endpoint, whose event stream and task lists the reconciler
 * reads. DOCKER_HOST has nothing to do with the Swarm: named after it, two Berths on two
 * Swarms with one database would take turns reconciling each other's Swarm, and one Berth's
 * processes with different DOCKER_HOSTs would each reconcile the same Swarm. Every process of
 * one Berth must therefore name the same manager endpoint (BERTH_SWARM_MANAGER).
 */
export function reconcilerLeaseName(engine: EngineConfig, env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (engine.kind === "docker") return `reconciler:${env.DOCKER_HOST || "unix:///var/run/docker.sock"}`;
  return `reconciler:swarm:${endpointName(engine.swarm.manager)}`;
}

/** One spelling per endpoint: "tcp://host:2376/" and "tcp://host:2376" are one manager. */
function endpointName(endpoint: EngineEndpoint): string {
  if (endpoint.kind === "unix") return `unix://${endpoint.socketPath}`;
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host.toLowerCase();
  return `tcp://${host}:${endpoint.port}`;
}
