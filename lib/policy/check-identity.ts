import { CHECK_LIMITS } from "./expected-scope";
import { isString, join, normaliseCapability, show, stringArray, type CheckRun } from "./check-support";
import { violation } from "./violation";

export function checkUser(user: unknown, path: string, run: CheckRun): void {
  const { uid, gid } = run.scope;
  if (uid < CHECK_LIMITS.minTenantId || gid < CHECK_LIMITS.minTenantId) {
    run.out.push(violation("U1", path, `the expected uid:gid ${uid}:${gid} is below ${CHECK_LIMITS.minTenantId}`));
  }
  // Exact match only: "0", "root", a name the image's /etc/passwd maps, or "uid" without
  // a group (which would pick up the image's supplementary groups) are all refused.
  if (user !== `${uid}:${gid}`) {
    run.out.push(violation("U1", path, `must be the tenant's user "${uid}:${gid}" (got ${show(user)})`));
  }
}

export function checkGroups(groupAdd: unknown, path: string, run: CheckRun): void {
  if (stringArray(groupAdd)?.length !== 0) {
    run.out.push(violation("U2", path, "supplementary groups are not allowed"));
  }
}

export function checkCapabilities(capAdd: unknown, capDrop: unknown, path: string, run: CheckRun): void {
  const allowed = new Set<string>(run.scope.allowedCapabilities.map(normaliseCapability).filter((c) => c === "NET_BIND_SERVICE"));
  const drop = stringArray(capDrop);
  if (drop === undefined || !drop.map(normaliseCapability).includes("ALL")) {
    run.out.push(violation("U3", join(path, "CapDrop"), 'must drop all capabilities (["ALL"])'));
  }
  const add = stringArray(capAdd);
  if (add === undefined) {
    run.out.push(violation("U3", join(path, "CapAdd"), "must be a list of capability names"));
    return;
  }
  add.forEach((cap, i) => {
    if (!allowed.has(normaliseCapability(cap))) {
      run.out.push(violation("U3", `${join(path, "CapAdd")}[${i}]`, `capability ${JSON.stringify(cap)} is not allowed for this tenant`));
    }
  });
}

/** Mirrors the daemon's parseSecurityOpt: "=" or legacy ":" separator, last value wins. */
export function checkSecurityOpt(securityOpt: unknown, path: string, run: CheckRun): void {
  const opts = stringArray(securityOpt);
  if (opts === undefined) {
    run.out.push(violation("U4", path, "must be a list of strings"));
    return;
  }
  let noNewPrivileges = false;
  opts.forEach((opt, i) => {
    const sep = opt.includes("=") ? "=" : opt.includes(":") ? ":" : undefined;
    const [key, value] = sep === undefined ? [opt, undefined] : [opt.slice(0, opt.indexOf(sep)), opt.slice(opt.indexOf(sep) + 1)];
    if (key === "no-new-privileges") {
      noNewPrivileges = value === undefined || ["1", "t", "T", "true", "TRUE", "True"].includes(value);
      return;
    }
    // seccomp/apparmor/label/systempaths — including a bare "disable", which the daemon
    // reads as label=disable. Berth relies on the daemon defaults, so none are sent.
    run.out.push(
      violation(
        "U6",
        `${path}[${i}]`,
        `security option ${JSON.stringify(opt)} is not allowed; the default seccomp/AppArmor/SELinux confinement must stay on`,
      ),
    );
  });
  if (!noNewPrivileges) {
    run.out.push(violation("U4", path, 'must contain "no-new-privileges:true" (and not turn it off again)'));
  }
}

export function checkPrivileged(privileged: unknown, path: string, run: CheckRun): void {
  const ok = privileged === false || (run.mode === "create" && (privileged === undefined || privileged === null));
  if (!ok) run.out.push(violation("U5", path, `must be false (got ${show(privileged)})`));
}

export function checkMaskedPaths(masked: unknown, readonly: unknown, path: string, run: CheckRun): void {
  // Inspect lists the daemon's default masks; an empty list is what systempaths=unconfined
  // (or an explicit MaskedPaths: []) leaves behind: /proc/kcore and friends unmasked.
  for (const [key, value] of [
    ["MaskedPaths", masked],
    ["ReadonlyPaths", readonly],
  ] as const) {
    const list = stringArray(value);
    if (list === undefined || list.length === 0) {
      run.out.push(violation("U6", join(path, key), "must list the default kernel path masks; an empty list means systempaths=unconfined"));
    }
  }
}

export function checkAppArmor(profile: unknown, path: string, run: CheckRun): void {
  if (isString(profile) && profile.toLowerCase() === "unconfined") {
    run.out.push(violation("U6", path, "the container runs without AppArmor confinement"));
  }
}

export function checkSysctls(sysctls: unknown, path: string, run: CheckRun): void {
  if (sysctls === undefined || sysctls === null) return;
  if (typeof sysctls !== "object" || Array.isArray(sysctls)) {
    run.out.push(violation("U7", path, "must be an object"));
    return;
  }
  for (const [key, value] of Object.entries(sysctls)) {
    if (key !== "net.ipv4.ip_unprivileged_port_start" || value !== "0") {
      run.out.push(
        violation("U7", `${path}[${JSON.stringify(key)}]`, `sysctl ${key}=${show(value)} is not allowed; only net.ipv4.ip_unprivileged_port_start=0`),
      );
    }
  }
}
