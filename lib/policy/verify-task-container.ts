import { checkAttachedNetworks, checkExposedPorts, checkImage, checkLabels, checkPortBindings } from "./check-exposure";
import { checkBinds, checkInspectMounts, checkMounts, checkNamespaces, checkRuntime, checkUnsetHostFields } from "./check-host";
import { checkAppArmor, checkCapabilities, checkGroups, checkMaskedPaths, checkPrivileged, checkSysctls, checkUser } from "./check-identity";
import { checkCpu, checkHealthcheck, checkLogConfig, checkPids, checkReadonlyRootfs, checkRestart, checkUlimits } from "./check-resources";
import { isInt, isString, show, stringArray, type CheckRun } from "./check-support";
import type { ExpectedScope } from "./expected-scope";
import { isPlainObject } from "./go-json";
import { violation, type Violation } from "./violation";

const record = (value: unknown): Record<string, unknown> => (isPlainObject(value) ? value : {});

/** What the probe read from the task's process status on its node (S3). */
export interface NoNewPrivsProbe {
  /** The `NoNewPrivs:` value of /proc/1/status, read through an exec as the tenant user; undefined if unreadable. */
  noNewPrivs: number | undefined;
}

/** Parses `NoNewPrivs:\t1` out of a /proc/<pid>/status text. */
export function parseNoNewPrivs(status: string): number | undefined {
  const m = /^NoNewPrivs:\s*([0-9]+)\s*$/m.exec(status);
  return m === null ? undefined : Number(m[1]);
}

function checkTaskName(name: unknown, run: CheckRun): void {
  // Swarm names a task's container "<service>.<slot>.<task id>".
  const prefix = `/${run.scope.networkName}_`;
  const ok = isString(name) && name.startsWith(prefix) && /^[a-z0-9][a-z0-9-]{0,40}\.[0-9]+\.[a-z0-9]{25}$/.test(name.slice(prefix.length));
  if (!ok) run.out.push(violation("O3", "Name", `must be "${prefix}<name>.<slot>.<task>" (got ${show(name)})`));
}

/** No-new-privileges is the node daemon's default, invisible in inspect: only the probe shows it. */
function checkSecurityOptTask(securityOpt: unknown, probe: NoNewPrivsProbe | null, path: string, run: CheckRun): void {
  const opts = stringArray(securityOpt);
  if (opts === undefined) run.out.push(violation("U6", path, "must be a list of strings"));
  (opts ?? []).forEach((opt, i) => {
    const key = opt.split(/[=:]/, 1)[0];
    if (key === "no-new-privileges") {
      if (!/^no-new-privileges([=:](1|t|T|true|TRUE|True))?$/.test(opt)) {
        run.out.push(violation("U4", `${path}[${i}]`, `${JSON.stringify(opt)} turns no-new-privileges off`));
      }
      return;
    }
    run.out.push(violation("U6", `${path}[${i}]`, `security option ${JSON.stringify(opt)} is not allowed`));
  });
  // null: the container is not running, so there is no process to read; it is probed when it starts.
  if (probe !== null && probe.noNewPrivs !== 1) {
    run.out.push(
      violation(
        "U4",
        "NoNewPrivs",
        `the task's process must run with NoNewPrivs: 1 (read ${show(probe.noNewPrivs)}); the node's daemon must default to --no-new-privileges`,
      ),
    );
  }
}

function checkTaskNetworks(hc: Record<string, unknown>, networks: unknown, run: CheckRun): void {
  const mode = hc.NetworkMode;
  // A task container names no network mode of its own; Swarm attaches it to the overlay.
  if (!(mode === "default" || mode === "" || mode === run.scope.networkName || mode === "bridge")) {
    run.out.push(violation("N1", "HostConfig.NetworkMode", `must be Swarm's default attachment (got ${show(mode)})`));
  }
  checkAttachedNetworks(networks, "NetworkSettings.Networks", run);
}

function checkTaskMemory(memory: unknown, swap: unknown, run: CheckRun): void {
  const max = run.scope.maxMemoryMb;
  if (!isInt(memory) || memory <= 0 || (max !== undefined && memory > max * 2 ** 20)) {
    run.out.push(violation("R1", "HostConfig.Memory", `a memory limit within the per-container maximum is required (got ${show(memory)})`));
  }
  // A service cannot set MemorySwap on API 1.41: the node's daemon gives a task twice its
  // memory (seen here), which only means swap on a node that has swap — node posture's
  // business. Any other value was set behind Berth's back (`docker update --memory-swap`).
  const ok = swap === memory || (isInt(memory) && swap === 2 * memory);
  if (!ok) run.out.push(violation("R1", "HostConfig.MemorySwap", `must be Memory or the Swarm default of twice Memory (got ${show(swap)})`));
}

/**
 * Enforcement point 3 on Swarm (S3), the node's half: the `docker inspect` of a task's
 * container, read through the engine of the node it runs on, plus the NoNewPrivs probe.
 * The manager's half is assertServiceSpec(spec, …, "inspect"). `probe` is null for a
 * container that is not running.
 */
export function verifyTaskContainer(inspect: unknown, expected: ExpectedScope, probe: NoNewPrivsProbe | null): Violation[] {
  const out: Violation[] = [];
  const run: CheckRun = { scope: expected, out, mode: "inspect" };
  if (!isPlainObject(inspect)) return [violation("INPUT", "", "inspect output must be a JSON object")];
  const config = record(inspect.Config);
  const hc = record(inspect.HostConfig);
  if (!isPlainObject(inspect.Config)) out.push(violation("INPUT", "Config", "is missing"));
  if (!isPlainObject(inspect.HostConfig)) out.push(violation("INPUT", "HostConfig", "is missing"));

  checkTaskName(inspect.Name, run);
  checkUser(config.User, "Config.User", run);
  // Swarm may pin the image by digest ("ref@sha256:…") in the task container.
  const image = isString(config.Image) ? config.Image.replace(/@sha256:[0-9a-f]{64}$/, "") : config.Image;
  checkImage(image, "Config.Image", run);
  checkLabels(config.Labels, "Config.Labels", run);
  checkExposedPorts(config.ExposedPorts, "Config.ExposedPorts", run);
  checkHealthcheck(config.Healthcheck, "Config.Healthcheck", run);

  const p = "HostConfig";
  checkGroups(hc.GroupAdd, `${p}.GroupAdd`, run);
  checkCapabilities(hc.CapAdd, hc.CapDrop, p, run);
  checkSecurityOptTask(hc.SecurityOpt, probe, `${p}.SecurityOpt`, run);
  checkPrivileged(hc.Privileged, `${p}.Privileged`, run);
  checkMaskedPaths(hc.MaskedPaths, hc.ReadonlyPaths, p, run);
  checkAppArmor(inspect.AppArmorProfile, "AppArmorProfile", run);
  checkSysctls(hc.Sysctls, `${p}.Sysctls`, run);
  checkBinds(hc.Binds, `${p}.Binds`, run);
  checkBinds(hc.VolumesFrom, `${p}.VolumesFrom`, run);
  // A service's /tmp is a tmpfs entry of Mounts (Tmpfs cannot be set on a service).
  if (!(hc.Tmpfs === undefined || hc.Tmpfs === null || (isPlainObject(hc.Tmpfs) && Object.keys(hc.Tmpfs).length === 0))) {
    out.push(violation("R7", `${p}.Tmpfs`, `must be empty on a task container (got ${show(hc.Tmpfs)})`));
  }
  checkMounts(hc.Mounts, `${p}.Mounts`, run, new Set());
  const mounts = Array.isArray(hc.Mounts) ? hc.Mounts : [];
  if (!mounts.some((m) => isPlainObject(m) && m.Type === "tmpfs" && m.Target === "/tmp")) {
    out.push(violation("R7", `${p}.Mounts`, "must hold the size-limited /tmp tmpfs"));
  }
  checkInspectMounts(inspect.Mounts, "Mounts", run);
  checkNamespaces(new Map(Object.entries(hc)), p, run);
  // Swarm writes the platform's default isolation explicitly into a task's host config.
  checkUnsetHostFields({ ...hc, Isolation: hc.Isolation === "default" ? "" : hc.Isolation }, p, run);
  checkRuntime(hc.Runtime, `${p}.Runtime`, run);
  checkTaskNetworks(hc, record(inspect.NetworkSettings).Networks, run);
  checkTaskMemory(hc.Memory, hc.MemorySwap, run);
  checkCpu(hc.NanoCpus, `${p}.NanoCpus`, run);
  checkPids(hc.PidsLimit, hc.Init, p, run);
  checkUlimits(hc.Ulimits, `${p}.Ulimits`, run);
  checkLogConfig(hc.LogConfig, `${p}.LogConfig`, run);
  // Swarm restarts the task itself; the container's own policy must not restart it.
  checkRestart(hc.RestartPolicy, `${p}.RestartPolicy`, run);
  checkReadonlyRootfs(hc.ReadonlyRootfs, `${p}.ReadonlyRootfs`, run);
  checkPortBindings(hc.PortBindings, hc.PublishAllPorts, p, run);
  return out;
}
