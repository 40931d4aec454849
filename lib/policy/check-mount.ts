/*
 * Checker-side mount target rules (H3), written independently of the request validator in
 * mount-target.ts so that one bug cannot disable both. Linux paths are case-sensitive:
 * "/PROC" is not procfs, so only exact-case prefixes are refused.
 */
const FORBIDDEN_ROOTS = ["/proc", "/sys", "/dev"];

export function targetProblem(target: unknown): string | undefined {
  if (typeof target !== "string" || target === "") return "must be an absolute path";
  if (target[0] !== "/") return "must be an absolute path";
  if (target.length > 255 || /[^\x20-\x7e]/.test(target)) return "must be at most 255 printable ASCII characters";
  if (/[:,]/.test(target)) return 'must not contain ":" or ","';
  const parts = target.split("/").slice(1);
  if (parts.some((p) => p === "" || p === "." || p === "..")) {
    return target === "/" ? "must not be the root filesystem" : 'must be a normalised path (no empty, "." or ".." segments)';
  }
  const root = `/${parts[0] ?? ""}`;
  if (FORBIDDEN_ROOTS.includes(root)) return `${root} is a kernel filesystem and cannot be a mount target`;
  return undefined;
}

/** True for a host path (or endpoint) that reaches the Docker daemon (H7). */
export function reachesDaemon(source: string): boolean {
  const s = source.replace(/\/+$/, "");
  return (
    /docker\.sock|containerd\.sock|docker\.pid/.test(s) || s === "" || ["/", "/run", "/var/run", "/var", "/var/lib/docker", "/run/docker"].includes(s)
  );
}
