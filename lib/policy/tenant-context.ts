/**
 * Everything Berth itself decided about a launch, resolved by the service layer before the
 * policy runs: ids, the tenant's uid/gid and network, its policy, the catalog image, the
 * host ports it allocated and the Docker names of the tenant's volumes. The policy trusts
 * these values as Berth's own; the assertion re-checks the result against ExpectedScope.
 */
export type Capability = "NET_BIND_SERVICE";

export interface ImageHealthcheck {
  /** Docker form: ["CMD", ...argv] or ["CMD-SHELL", "command"]. */
  test: string[];
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
}

export interface ContainerLimits {
  pids: number;
  nofile: number;
  tmpSizeMb: number;
  /** json-file `max-size`, e.g. "10m". */
  logMaxSize: string;
  logMaxFile: number;
}

export const DEFAULT_LIMITS: Readonly<ContainerLimits> = {
  pids: 256,
  nofile: 1024,
  tmpSizeMb: 64,
  logMaxSize: "10m",
  logMaxFile: 3,
};

export interface HostPortAllocation {
  container: number;
  protocol: "tcp" | "udp";
  hostPort: number;
}

export interface TenantContext {
  tenantId: string;
  tenantSlug: string;
  /** The id Berth gave this container (label `berth.id`). */
  berthId: string;
  /** The request's name; the Docker name becomes `berth-<slug>_<name>`. */
  containerName: string;
  uid: number;
  gid: number;
  /** `berth-<slug>`: the tenant's own bridge network. */
  networkName: string;
  allowedCapabilities: readonly Capability[];
  maxMemoryMb: number;
  maxCpuMillis: number;
  allowWritableRootfs: boolean;
  image: { id: string; ref: string; defaultCommand?: string[]; healthcheck?: ImageHealthcheck };
  /** Host address published ports bind to; "127.0.0.1" unless the operator configured another. */
  hostIp: string;
  /** Operator switch: allow binding on 0.0.0.0 / ::. */
  allowPublicBind?: boolean;
  /** Allocated by Berth, one per requested port. */
  hostPorts: HostPortAllocation[];
  /** Tenant volume name → Docker volume name Berth created. */
  volumes: Record<string, string>;
  /** Admin-registered runtime (e.g. "runsc"); undefined for the daemon default. */
  runtime?: string;
  limits?: Partial<ContainerLimits>;
  /** Integration tests mark what they launch (`berth.test=<run id>`) so cleanup finds it. */
  testRunId?: string;
}
