import "server-only";

/**
 * Operator settings, read from the environment once per process. Defaults keep every
 * published port on loopback (control N2).
 */
export interface BerthConfig {
  /** Host address published ports bind to. */
  publishAddress: string;
  /** Allow publishAddress 0.0.0.0 / :: (the operator's explicit choice). */
  allowPublicBind: boolean;
  /** Host name used in the URLs shown for published ports. */
  publicHost: string;
  portRange: { from: number; to: number };
  /**
   * Per-container maxima new tenants start with until an admin saves quota defaults
   * (lib/services/quota-defaults.ts); each tenant then has its own.
   */
  maxMemoryMb: number;
  maxCpuMillis: number;
  /** Berth's own utility image (volume ownership set-up), one of the starter images. */
  helperImage: string;
  /** Uploads into a volume: the largest file, and all files of one upload together. */
  uploadMaxFileBytes: number;
  uploadMaxTotalBytes: number;
}

function intFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}

function rangeFrom(name: string, fallback: string): { from: number; to: number } {
  const raw = process.env[name] || fallback;
  const match = /^(\d+)-(\d+)$/.exec(raw);
  const from = Number(match?.[1]);
  const to = Number(match?.[2]);
  if (!match || from <= 1024 || to > 65535 || from > to) {
    throw new Error(`${name} must look like 18000-18999, above 1024; got "${raw}"`);
  }
  return { from, to };
}

function positiveMb(name: string, fallback: number): number {
  const mb = intFrom(name, fallback);
  if (mb < 1) throw new Error(`${name} must be at least 1 (MiB), got ${mb}`);
  return mb * 2 ** 20;
}

let cached: BerthConfig | undefined;

export function config(): BerthConfig {
  if (cached) return cached;
  const publishAddress = process.env.BERTH_PUBLISH_ADDRESS || "127.0.0.1";
  cached = {
    publishAddress,
    allowPublicBind: process.env.BERTH_ALLOW_PUBLIC_BIND === "true",
    publicHost: process.env.BERTH_PUBLIC_HOST || (publishAddress === "0.0.0.0" ? "localhost" : publishAddress),
    portRange: rangeFrom("BERTH_PORT_RANGE", "18000-18999"),
    maxMemoryMb: intFrom("BERTH_MAX_CONTAINER_MEMORY_MB", 1024),
    maxCpuMillis: intFrom("BERTH_MAX_CONTAINER_CPU_MILLIS", 2000),
    helperImage: process.env.BERTH_HELPER_IMAGE || "berth/shell:1",
    uploadMaxFileBytes: positiveMb("BERTH_UPLOAD_MAX_FILE_MB", 10),
    uploadMaxTotalBytes: positiveMb("BERTH_UPLOAD_MAX_TOTAL_MB", 25),
  };
  return cached;
}
