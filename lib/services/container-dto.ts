import "server-only";
import { config } from "@/lib/config";
import { httpsOrigin, ingressSettings } from "@/lib/ingress/settings";
import type { WorkloadState } from "@/lib/docker/workloads";
import type { ContainerDto, ContainerStatus } from "@/lib/schemas/container";

export interface ContainerRow {
  id: string;
  tenantId: string;
  name: string;
  imageRef: string;
  status: string;
  memoryMb: number;
  cpuMillis: number;
  createdAt: Date;
  createdByEmail: string | null;
  ports: { hostIp: string; hostPort: number; protocol: string; containerPort: number }[];
  /** HTTPS ports served by the edge (lib/services/route-allocation.ts). */
  routes: { hostName: string; containerPort: number }[];
  /** What the reconciler last saw on the engine. */
  exitCode?: number | null;
  oomKilled?: boolean;
  health?: string | null;
  /** Swarm: the node's host name as the reconciler last saw it. */
  node?: string | null;
}

const RECORDED_STATE: Record<string, string> = { running: "running", restarting: "restarting", exited: "exited", stopped: "exited", dead: "dead" };

/**
 * The engine's state as the reconciler last recorded it on the row (null for `missing`):
 * used instead of asking the engine while the reconciler follows its events.
 */
export function recordedState(row: ContainerRow & { dockerId: string | null }): WorkloadState | null {
  const state = RECORDED_STATE[row.status];
  if (!state || !row.dockerId) return null;
  return {
    dockerId: row.dockerId,
    berthId: row.id,
    state,
    exitCode: row.exitCode ?? undefined,
    oomKilled: row.oomKilled,
    health: row.health ?? undefined,
    node: row.node ?? undefined,
  };
}

/**
 * The status a person sees: Berth's own states (creating, quarantined) win; otherwise the
 * engine's live state, with "stopped" for a container Berth stopped on request and
 * "exited" for one that ended by itself, and "missing" when the engine no longer has it.
 */
export function statusOf(row: Pick<ContainerRow, "status">, live: WorkloadState | null | undefined): ContainerStatus {
  if (row.status === "creating" || row.status === "quarantined") return row.status;
  if (!live) return "missing";
  switch (live.state) {
    case "running":
    case "paused":
      return "running";
    case "restarting":
      return "restarting";
    case "dead":
    case "removing":
      return "dead";
    case "created":
      return "stopped";
    default:
      return row.status === "stopped" ? "stopped" : "exited";
  }
}

/** Raw published ports and HTTPS routes, as one list in container-port order (api-v1.md "Ingress"). */
function portsOf(row: Pick<ContainerRow, "ports" | "routes">): ContainerDto["ports"] {
  const host = config().publicHost;
  const hostPart = host.includes(":") ? `[${host}]` : host;
  const { httpsPort } = ingressSettings();
  const published = row.ports.map((p) => ({
    container: p.containerPort,
    protocol: p.protocol,
    expose: "port" as const,
    hostIp: p.hostIp,
    hostPort: p.hostPort,
    url: p.protocol === "tcp" ? `http://${hostPart}:${p.hostPort}` : `udp://${hostPart}:${p.hostPort}`,
  }));
  const routed = row.routes.map((r) => ({
    container: r.containerPort,
    protocol: "tcp",
    expose: "https" as const,
    hostIp: null,
    hostPort: null,
    url: `${httpsOrigin(r.hostName, httpsPort)}/`,
  }));
  return [...published, ...routed].sort((a, b) => a.container - b.container || a.protocol.localeCompare(b.protocol));
}

export function toContainerDto(row: ContainerRow, live: WorkloadState | null | undefined): ContainerDto {
  const status = statusOf(row, live);
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    image: row.imageRef,
    status,
    ...(live && (status === "exited" || status === "stopped" || status === "dead") && live.exitCode !== undefined ? { exitCode: live.exitCode } : {}),
    ...(live?.oomKilled ? { oomKilled: true } : {}),
    ...(live?.health ? { health: live.health } : {}),
    ...((live?.node ?? row.node) ? { node: live?.node ?? row.node ?? "" } : {}),
    ports: portsOf(row),
    memoryMb: row.memoryMb,
    cpuMillis: row.cpuMillis,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdByEmail,
  };
}
