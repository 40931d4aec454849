const units = ["B", "kB", "MB", "GB", "TB"];

/** "1.4 MB": decimal units like `docker images` prints, so numbers match what admins see there. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return "0 B";
  const exponent = Math.min(Math.floor(Math.log10(bytes) / 3), units.length - 1);
  const value = bytes / 1000 ** exponent;
  return `${exponent === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[exponent]}`;
}

/** "128 MB" for 128 MiB: memory limits are set in MiB, so usage is shown in the same unit. */
export function formatMemory(bytes: number): string {
  const mib = Math.max(0, bytes) / 2 ** 20;
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GB` : `${mib < 10 ? mib.toFixed(1) : Math.round(mib)} MB`;
}

/** "10 MiB": upload caps are configured in MiB, so they are stated in MiB. */
export function formatMiB(bytes: number): string {
  return `${Number((bytes / 2 ** 20).toFixed(1))} MiB`;
}
