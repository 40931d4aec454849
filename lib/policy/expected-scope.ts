/**
 * What a checked container may look like, from Berth's records rather than from the
 * object being checked. Used by the assertion (create options) and the verifier (inspect).
 */
export interface ExpectedScope {
  tenantId: string;
  uid: number;
  gid: number;
  /** `berth-<slug>`; also the prefix of every container name of the tenant (O3). */
  networkName: string;
  /** Swarm: the tenant overlay's id, which a live service spec names instead of the network's name. */
  networkIds?: readonly string[];
  allowedCapabilities: readonly string[];
  allowedImageRefs: readonly string[];
  /** Docker names of the tenant's volumes. */
  ownedVolumeNames: readonly string[];
  hostIp: string;
  allowPublicBind?: boolean;
  portRange: { from: number; to: number };
  allowWritableRootfs: boolean;
  /** Admin-registered runtimes; the daemon default is always allowed. */
  allowedRuntimes: readonly string[];
  /** When known, `berth.id` must equal it. */
  berthId?: string;
  /** Per-container maxima; when given, Memory/NanoCpus must not exceed them. */
  maxMemoryMb?: number;
  maxCpuMillis?: number;
  /** The catalog image defines a healthcheck, so one must be present (R8). */
  requireHealthcheck?: boolean;
}

/** Upper bounds the checkers apply regardless of tenant: far above Berth's defaults. */
export const CHECK_LIMITS = {
  maxPids: 32768,
  maxNofile: 1_048_576,
  maxTmpSizeMb: 4096,
  maxLogSizeBytes: 1024 * 2 ** 20,
  maxLogFiles: 20,
  maxOnFailureRetries: 5,
  minTenantId: 10000,
} as const;
