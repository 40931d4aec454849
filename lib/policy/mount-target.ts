/**
 * Request-side rules for a volume's mount target (H3). The checker side
 * (`check-mount.ts`) has its own copy on purpose: a bug here must not also blind the
 * assertion that runs before the daemon is called.
 */

/**
 * Kernel filesystems: a volume mounted on or under one of them would shadow the
 * kernel's view (or, with a writable volume, replace files the runtime relies on, as in
 * runc's /proc escapes). Linux paths are case-sensitive, so `/PROC` is an ordinary
 * directory and is deliberately not refused.
 */
export const KERNEL_FILESYSTEMS = ["/proc", "/sys", "/dev"] as const;

/** Berth mounts its own size-limited tmpfs here (R7); a volume on top would hide it. */
export const SCRATCH_TMPFS_TARGET = "/tmp";

const MAX_TARGET_LENGTH = 255;

/** Returns why `target` cannot be a mount target, or undefined when it can. */
export function mountTargetProblem(target: string): string | undefined {
  if (target.length === 0) return "a mount target is required";
  if (target.length > MAX_TARGET_LENGTH) return `must be at most ${MAX_TARGET_LENGTH} characters`;
  // Printable ASCII only: control characters, NUL and look-alike Unicode make a path that
  // reads differently in logs and UI than what the kernel mounts.
  if (!/^[\x20-\x7e]+$/.test(target)) return "may contain printable ASCII characters only";
  // `:` and `,` are separators in Docker's `-v src:dst:opts` and `--mount k=v,k=v`
  // syntaxes; refusing them keeps a target from ever being re-read as options.
  if (/[:,]/.test(target)) return 'may not contain ":" or ","';
  if (!target.startsWith("/")) return `must be an absolute path starting with "/" (got "${target}")`;
  if (target === "/") return "/ is the container's root filesystem and cannot be a mount target";
  // Refuse rather than normalise: a path that needs normalising is either a mistake or an
  // attempt to slip past the prefix checks below (`/data/../proc`).
  if (target.includes("//")) return 'must be normalised: it contains "//"';
  if (target.endsWith("/")) return 'must be normalised: remove the trailing "/"';
  const segments = target.slice(1).split("/");
  if (segments.some((s) => s === "." || s === "..")) {
    return 'must be normalised: "." and ".." segments are not allowed';
  }
  const kernel = KERNEL_FILESYSTEMS.find((fs) => target === fs || target.startsWith(`${fs}/`));
  if (kernel !== undefined) return `${kernel} is a kernel filesystem and cannot be a mount target`;
  if (target === SCRATCH_TMPFS_TARGET) {
    return "/tmp is Berth's size-limited scratch space; mount the volume somewhere else, e.g. /data";
  }
  return undefined;
}
