import { reachesDaemon, targetProblem } from "./check-mount";
import { isInt, isString, join, parseByteSize, show, type CheckRun } from "./check-support";
import { CHECK_LIMITS } from "./expected-scope";
import { controlOfField, HOST_CONFIG_MUST_BE_UNSET } from "./field-controls";
import { goFoldKey, isUnset, readStruct } from "./go-json";
import { violation } from "./violation";

const MOUNT_FIELDS = ["Type", "Source", "Target", "ReadOnly", "VolumeOptions", "TmpfsOptions"] as const;
const mountControl = (folded: string) => (folded === "bindoptions" ? "H4" : folded === "volumeoptions" ? "H2" : "H1");

/** HostConfig.Mounts (create body and inspect alike): named tenant volumes and tmpfs only. */
export function checkMounts(mounts: unknown, path: string, run: CheckRun, targets: Set<string>): void {
  if (mounts === undefined || mounts === null) return;
  if (!Array.isArray(mounts)) {
    run.out.push(violation("H1", path, "must be a list"));
    return;
  }
  mounts.forEach((mount: unknown, i) => {
    const at = `${path}[${i}]`;
    const f = readStruct(mount, at, { known: MOUNT_FIELDS, controlOf: mountControl, flagUnknown: true }, run.out, "H1");
    const type = f.get("Type");
    const source = f.get("Source");
    const target = f.get("Target");
    const problem = targetProblem(target);
    if (problem !== undefined) run.out.push(violation("H3", join(at, "Target"), problem));
    if (isString(target)) {
      if (targets.has(target)) run.out.push(violation("H3", join(at, "Target"), `${target} is mounted twice`));
      targets.add(target);
    }
    if (type === "volume") {
      if (!isString(source) || !run.scope.ownedVolumeNames.includes(source)) {
        run.out.push(violation("H2", join(at, "Source"), `volume ${show(source)} is not one of this tenant's volumes`));
      }
      // Only NoCopy: DriverConfig turns a "volume" into an nfs/cifs/bind mount, and Labels
      // would create a volume on the fly instead of using the tenant's.
      readStruct(f.get("VolumeOptions"), join(at, "VolumeOptions"), { known: ["NoCopy"], controlOf: () => "H2", flagUnknown: true }, run.out, "H2");
      if (!isUnset(f.get("TmpfsOptions"))) run.out.push(violation("H1", join(at, "TmpfsOptions"), "only a tmpfs mount takes tmpfs options"));
    } else if (type === "tmpfs") {
      if (!isUnset(source)) run.out.push(violation("H1", join(at, "Source"), "a tmpfs mount has no source"));
      const t = readStruct(
        f.get("TmpfsOptions"),
        join(at, "TmpfsOptions"),
        { known: ["SizeBytes", "Mode"], controlOf: () => "R7", flagUnknown: true },
        run.out,
        "R7",
      );
      const size = t.get("SizeBytes");
      if (!isInt(size) || size <= 0 || size > CHECK_LIMITS.maxTmpSizeMb * 2 ** 20) {
        run.out.push(violation("R7", join(at, "TmpfsOptions.SizeBytes"), "a tmpfs mount must have a size limit"));
      }
    } else {
      run.out.push(violation("H1", join(at, "Type"), `mount type ${show(type)} is not allowed; only tenant volumes`));
      if (isString(source) && reachesDaemon(source)) {
        run.out.push(violation("H7", join(at, "Source"), `${source} would expose the container engine to the container`));
      }
    }
  });
}

/** The `Mounts` list of `docker inspect`: what is actually mounted, including image VOLUMEs. */
export function checkInspectMounts(mounts: unknown, path: string, run: CheckRun): void {
  if (mounts === undefined || mounts === null) return;
  if (!Array.isArray(mounts)) {
    run.out.push(violation("H1", path, "must be a list"));
    return;
  }
  mounts.forEach((mount: unknown, i) => {
    const at = `${path}[${i}]`;
    const f = readStruct(
      mount,
      at,
      { known: ["Type", "Name", "Source", "Destination", "Driver", "RW"], controlOf: () => "H1", flagUnknown: false },
      run.out,
      "H1",
    );
    const type = f.get("Type");
    const problem = targetProblem(f.get("Destination"));
    if (problem !== undefined) run.out.push(violation("H3", join(at, "Destination"), problem));
    if (type === "volume") {
      const name = f.get("Name");
      // An image's VOLUME instruction creates an anonymous volume: not Berth's, not counted
      // against the tenant, so it is reported like any other foreign volume.
      if (!isString(name) || !run.scope.ownedVolumeNames.includes(name)) {
        run.out.push(violation("H2", join(at, "Name"), `volume ${show(name)} is not one of this tenant's volumes`));
      }
      const driver = f.get("Driver");
      if (driver !== undefined && driver !== "local")
        run.out.push(violation("H2", join(at, "Driver"), `volume driver ${show(driver)} is not allowed`));
    } else if (type !== "tmpfs") {
      run.out.push(violation("H1", join(at, "Type"), `mount type ${show(type)} is not allowed; host paths are never mounted`));
      const source = f.get("Source");
      if (isString(source) && reachesDaemon(source)) {
        run.out.push(violation("H7", join(at, "Source"), `${source} would expose the container engine to the container`));
      }
    }
  });
}

/** HostConfig.Binds and VolumesFrom are host-path or foreign-container mounts (H1, H7). */
export function checkBinds(binds: unknown, path: string, run: CheckRun): void {
  if (isUnset(binds)) return;
  run.out.push(violation("H1", path, "bind mounts are not allowed"));
  const list = Array.isArray(binds) ? binds : [binds];
  list.forEach((b: unknown, i) => {
    if (isString(b) && reachesDaemon(b.split(":")[0] ?? "")) {
      run.out.push(violation("H7", `${path}[${i}]`, `${b} would expose the container engine to the container`));
    }
  });
}

const TMPFS_TARGET = "/tmp";

/**
 * HostConfig.Tmpfs: exactly one entry, "/tmp", with exactly the options Berth writes. Any
 * other option ("exec", "suid", "dev", "mode=", a missing size) is refused rather than
 * interpreted, because tmpfs options are a mount(2) data string the checker cannot fully model.
 */
export function checkTmpfs(tmpfs: unknown, path: string, run: CheckRun, targets: Set<string>): void {
  if (tmpfs === undefined || tmpfs === null || typeof tmpfs !== "object" || Array.isArray(tmpfs)) {
    run.out.push(violation("R7", path, `must hold the size-limited ${TMPFS_TARGET} tmpfs`));
    return;
  }
  const entries = Object.entries(tmpfs);
  if (!entries.some(([k]) => k === TMPFS_TARGET)) run.out.push(violation("R7", path, `must hold the size-limited ${TMPFS_TARGET} tmpfs`));
  for (const [target, options] of entries) {
    const at = `${path}[${JSON.stringify(target)}]`;
    if (target !== TMPFS_TARGET) {
      run.out.push(violation("R7", at, `only ${TMPFS_TARGET} may be a tmpfs`));
      continue;
    }
    if (targets.has(target)) run.out.push(violation("H3", at, `${target} is mounted twice`));
    targets.add(target);
    const opts = isString(options) ? options.split(",") : [];
    const size = opts.find((o) => o.startsWith("size="));
    const sizeBytes = size === undefined ? undefined : parseByteSize(size.slice(5));
    const expected = new Set(["rw", "nosuid", "nodev", `uid=${run.scope.uid}`, `gid=${run.scope.gid}`]);
    const rest = opts.filter((o) => o !== size);
    const exact = rest.length === expected.size && rest.every((o) => expected.has(o)) && new Set(rest).size === rest.length;
    if (!exact || sizeBytes === undefined || sizeBytes <= 0 || sizeBytes > CHECK_LIMITS.maxTmpSizeMb * 2 ** 20) {
      run.out.push(violation("R7", at, `must be "rw,nosuid,nodev,size=<n>m,uid=${run.scope.uid},gid=${run.scope.gid}" (got ${show(options)})`));
    }
  }
}

export function checkNamespaces(hc: Map<string, unknown>, path: string, run: CheckRun): void {
  for (const key of ["PidMode", "IpcMode"] as const) {
    const v = hc.get(key);
    if (!(v === undefined || v === null || v === "" || v === "private")) {
      run.out.push(violation("H5", join(path, key), `must be private (got ${show(v)})`));
    }
  }
  const cgroupns = hc.get("CgroupnsMode");
  // On cgroup v1 hosts the daemon's default (shown by inspect) is "host"; Berth itself
  // never asks for it.
  const cgroupnsOk =
    cgroupns === undefined || cgroupns === null || cgroupns === "" || cgroupns === "private" || (run.mode === "inspect" && cgroupns === "host");
  if (!cgroupnsOk) run.out.push(violation("H5", join(path, "CgroupnsMode"), `must be private (got ${show(cgroupns)})`));
  const network = hc.get("NetworkMode");
  if (isString(network) && (network === "host" || network.startsWith("container:"))) {
    run.out.push(violation("H5", join(path, "NetworkMode"), `the host's or another container's network namespace is not allowed (got ${network})`));
  }
}

export function checkRuntime(runtime: unknown, path: string, run: CheckRun): void {
  if (runtime === undefined || runtime === null || runtime === "") return;
  // `docker inspect` names the daemon default explicitly ("runc").
  if (run.mode === "inspect" && runtime === "runc") return;
  if (!isString(runtime) || !run.scope.allowedRuntimes.includes(runtime)) {
    run.out.push(violation("H8", path, `runtime ${show(runtime)} is not one the admin registered`));
  }
}

/** Verifier: fields inspect always lists that must still hold Docker's zero value. */
export function checkUnsetHostFields(raw: Record<string, unknown>, path: string, run: CheckRun): void {
  for (const key of HOST_CONFIG_MUST_BE_UNSET) {
    // Binds/VolumesFrom get their own check (H1 with an H7 look at the paths).
    if (key === "Binds" || key === "VolumesFrom") continue;
    const value = raw[key];
    const control = controlOfField(goFoldKey(key));
    if (!isUnset(value)) run.out.push(violation(control === "INPUT" ? "H5" : control, join(path, key), `must not be set (got ${show(value)})`));
  }
  const oomAdj = raw.OomScoreAdj;
  if (isInt(oomAdj) && oomAdj < 0)
    run.out.push(violation("R1", join(path, "OomScoreAdj"), "a negative OOM score would make the host kill other processes first"));
}
