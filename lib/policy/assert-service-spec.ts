import { checkImage, checkLabels } from "./check-exposure";
import { checkMounts } from "./check-host";
import { checkCapabilities, checkSysctls, checkUser } from "./check-identity";
import { checkHealthcheck, checkLogConfig, checkReadonlyRootfs, checkUlimits } from "./check-resources";
import { isInt, isString, join, show, type CheckRun } from "./check-support";
import { CHECK_LIMITS, type ExpectedScope } from "./expected-scope";
import { checkPlainJson, isPlainObject, isUnset, readStruct } from "./go-json";
import { ELIGIBLE_CONSTRAINT, MAX_SERVICE_NAME } from "./service-spec";
import { dedupeViolations, violation, type ControlId, type Violation } from "./violation";

/** What Berth's records say about where a service may run. */
export interface SwarmScope {
  /** Node of the tenant volumes the service mounts; required when it mounts any. */
  volumeNodeId?: string;
}

type Mode = "create" | "inspect";

/*
 * Allowlists per level of the spec. In "inspect" mode (the Spec of `docker service
 * inspect`) the manager fills in a few fields Berth never sends; they are accepted only
 * with their harmless default values, checked below.
 */
const SPEC = ["Name", "Labels", "TaskTemplate", "Mode", "EndpointSpec"] as const;
const SPEC_INSPECT = ["UpdateConfig", "RollbackConfig"] as const;
const TASK = ["ContainerSpec", "Resources", "RestartPolicy", "Placement", "Networks", "LogDriver", "ForceUpdate"] as const;
const TASK_INSPECT = ["Runtime"] as const;
const CONTAINER = [
  "Image",
  "Labels",
  "Args",
  "Env",
  "User",
  "ReadOnly",
  "Mounts",
  "Init",
  "Sysctls",
  "CapabilityDrop",
  "CapabilityAdd",
  "Ulimits",
  "Healthcheck",
] as const;
const CONTAINER_INSPECT = ["Isolation", "StopGracePeriod", "DNSConfig"] as const;

/** Which control a ContainerSpec/TaskTemplate field that Berth never sets would break. */
const CONTROL_OF: Readonly<Record<string, ControlId>> = {
  groups: "U2",
  privileges: "U6",
  capabilityadd: "U3",
  capabilitydrop: "U3",
  user: "U1",
  mounts: "H1",
  secrets: "H1",
  configs: "H1",
  hosts: "N1",
  dnsconfig: "N1",
  hostname: "N1",
  networkattachmentspec: "N1",
  networks: "N1",
  isolation: "H8",
  runtime: "H8",
  command: "O2",
  image: "O2",
  resources: "R1",
  reservations: "H6",
  genericresources: "H6",
  logdriver: "R5",
  restartpolicy: "R6",
  readonly: "R7",
  healthcheck: "R8",
  labels: "O1",
  placement: "U4",
  endpointspec: "N2",
  mode: "R1",
  sysctls: "U7",
  ulimits: "R4",
  init: "R3",
};
const controlOf = (folded: string): ControlId | "INPUT" => CONTROL_OF[folded] ?? "INPUT";

function struct(value: unknown, path: string, known: readonly string[], run: CheckRun, shape: ControlId | "INPUT"): Map<string, unknown> {
  return readStruct(value, path, { known, controlOf, flagUnknown: true }, run.out, shape);
}

function checkServiceName(name: unknown, run: CheckRun): void {
  const prefix = `${run.scope.networkName}_`;
  if (!isString(name) || !name.startsWith(prefix) || !/^[a-z0-9][a-z0-9-]{0,40}$/.test(name.slice(prefix.length)) || name.length > MAX_SERVICE_NAME) {
    run.out.push(violation("O3", "Name", `must be "${prefix}<name>" of at most ${MAX_SERVICE_NAME} characters (got ${show(name)})`));
  }
}

function checkResources(value: unknown, path: string, run: CheckRun, mode: Mode): void {
  // Reservations may only be the empty object the manager echoes back; GenericResources
  // would claim devices (H6).
  const r = struct(value, path, mode === "inspect" ? ["Limits", "Reservations"] : ["Limits"], run, "R1");
  if (!isUnset(r.get("Reservations"))) run.out.push(violation("H6", join(path, "Reservations"), "Berth sets no reservations"));
  const l = struct(r.get("Limits"), join(path, "Limits"), ["NanoCPUs", "MemoryBytes", "Pids"], run, "R1");
  const memory = l.get("MemoryBytes");
  const { maxMemoryMb, maxCpuMillis } = run.scope;
  if (!isInt(memory) || memory <= 0 || (maxMemoryMb !== undefined && memory > maxMemoryMb * 2 ** 20)) {
    run.out.push(
      violation("R1", join(path, "Limits.MemoryBytes"), `a memory limit within the per-container maximum is required (got ${show(memory)})`),
    );
  }
  const cpu = l.get("NanoCPUs");
  if (!isInt(cpu) || cpu <= 0 || (maxCpuMillis !== undefined && cpu > maxCpuMillis * 1_000_000)) {
    run.out.push(violation("R2", join(path, "Limits.NanoCPUs"), `a CPU limit within the per-container maximum is required (got ${show(cpu)})`));
  }
  const pids = l.get("Pids");
  if (!isInt(pids) || pids <= 0 || pids > CHECK_LIMITS.maxPids) {
    run.out.push(violation("R3", join(path, "Limits.Pids"), `a PIDs limit of 1-${CHECK_LIMITS.maxPids} is required (got ${show(pids)})`));
  }
}

function checkServiceRestart(value: unknown, path: string, run: CheckRun, mode: Mode): void {
  const known = mode === "inspect" ? ["Condition", "MaxAttempts", "Delay", "Window"] : ["Condition", "MaxAttempts"];
  const f = struct(value, path, known, run, "R6");
  const condition = f.get("Condition");
  const attempts = f.get("MaxAttempts");
  if (condition === "none") return;
  if (condition !== "on-failure") {
    // "any" (Swarm's default when unset) restarts forever, even after a clean exit.
    run.out.push(violation("R6", join(path, "Condition"), `must be "none" or "on-failure" (got ${show(condition)})`));
    return;
  }
  // MaxAttempts 0 with on-failure means "retry forever".
  if (!isInt(attempts) || attempts < 1 || attempts > CHECK_LIMITS.maxOnFailureRetries) {
    run.out.push(violation("R6", join(path, "MaxAttempts"), `must be 1-${CHECK_LIMITS.maxOnFailureRetries} (got ${show(attempts)})`));
  }
}

function checkPlacement(value: unknown, path: string, run: CheckRun, swarm: SwarmScope, mounts: unknown): void {
  const f = struct(value, path, ["Constraints"], run, "U4");
  const constraints = Array.isArray(f.get("Constraints")) ? (f.get("Constraints") as unknown[]) : [];
  // The label is set by Berth's node posture check: only nodes whose daemon supplies
  // no-new-privileges (which a service cannot ask for on API 1.41) carry it.
  if (!constraints.includes(ELIGIBLE_CONSTRAINT)) {
    run.out.push(
      violation(
        "U4",
        join(path, "Constraints"),
        `must contain ${ELIGIBLE_CONSTRAINT}: only nodes that passed Berth's posture check enforce no-new-privileges`,
      ),
    );
  }
  const usesVolume = Array.isArray(mounts) && mounts.some((m) => isPlainObject(m) && m.Type === "volume");
  const pin = swarm.volumeNodeId === undefined ? undefined : `node.id==${swarm.volumeNodeId}`;
  if (usesVolume && (pin === undefined || !constraints.includes(pin))) {
    run.out.push(
      violation("H2", join(path, "Constraints"), `a service mounting local volumes must be pinned to their node (${pin ?? "node unknown"})`),
    );
  }
  constraints.forEach((c, i) => {
    // Constraints only narrow placement; anything but Berth's two forms is still refused,
    // so the list stays readable.
    if (c !== ELIGIBLE_CONSTRAINT && c !== pin)
      run.out.push(violation("U4", `${join(path, "Constraints")}[${i}]`, `constraint ${show(c)} is not one Berth sets`));
  });
}

function checkServiceNetworks(value: unknown, path: string, run: CheckRun): void {
  const list = Array.isArray(value) ? value : [];
  if (list.length !== 1) run.out.push(violation("N1", path, `must attach exactly the tenant's overlay ${run.scope.networkName}`));
  list.forEach((n: unknown, i) => {
    const at = `${path}[${i}]`;
    const f = struct(n, at, ["Target", "Aliases"], run, "N1");
    // The manager stores the network's id in Target; networkIds maps ids to the name.
    const target = f.get("Target");
    if (target !== run.scope.networkName && !(isString(target) && run.scope.networkIds?.includes(target) === true)) {
      run.out.push(violation("N1", join(at, "Target"), `network ${show(target)} is not the tenant's overlay ${run.scope.networkName}`));
    }
    const aliases = f.get("Aliases");
    if (!isUnset(aliases) && !(Array.isArray(aliases) && aliases.every((a) => isString(a) && /^[a-z0-9][a-z0-9-]{0,40}$/.test(a)))) {
      run.out.push(violation("N1", join(at, "Aliases"), "aliases must be container names"));
    }
  });
}

function checkEndpoint(value: unknown, run: CheckRun): void {
  const f = struct(value, "EndpointSpec", ["Mode", "Ports"], run, "N2");
  if (f.get("Mode") !== "dnsrr") run.out.push(violation("N2", "EndpointSpec.Mode", `must be "dnsrr" (got ${show(f.get("Mode"))})`));
  if (!isUnset(f.get("Ports"))) {
    run.out.push(violation("N2", "EndpointSpec.Ports", "tenant services publish no ports: the routing mesh would open them on every node"));
  }
}

function checkMode(value: unknown, run: CheckRun): void {
  // Global mode runs a task on every node: the quota counts one container.
  const f = struct(value, "Mode", ["Replicated"], run, "R1");
  const r = struct(f.get("Replicated"), "Mode.Replicated", ["Replicas"], run, "R1");
  const replicas = r.get("Replicas");
  if (replicas !== 0 && replicas !== 1)
    run.out.push(violation("R1", "Mode.Replicated.Replicas", `a Berth container is one task: 0 or 1 (got ${show(replicas)})`));
}

function checkContainerSpec(value: unknown, path: string, run: CheckRun, mode: Mode): unknown {
  const c = struct(value, path, mode === "inspect" ? [...CONTAINER, ...CONTAINER_INSPECT] : CONTAINER, run, "INPUT");
  if (!isPlainObject(value)) run.out.push(violation("INPUT", path, "is required"));
  checkImage(c.get("Image"), join(path, "Image"), run);
  checkLabels(c.get("Labels"), join(path, "Labels"), run);
  checkUser(c.get("User"), join(path, "User"), run);
  checkCapabilities(c.get("CapabilityAdd"), c.get("CapabilityDrop"), path, run);
  checkSysctls(c.get("Sysctls"), join(path, "Sysctls"), run);
  checkUlimits(c.get("Ulimits"), join(path, "Ulimits"), run);
  checkHealthcheck(c.get("Healthcheck"), join(path, "Healthcheck"), run);
  checkReadonlyRootfs(c.get("ReadOnly"), join(path, "ReadOnly"), run);
  if (c.get("Init") !== true) run.out.push(violation("R3", join(path, "Init"), "an init process must reap orphans (Init: true)"));
  const dns = c.get("DNSConfig");
  if (!isUnset(dns)) run.out.push(violation("N1", join(path, "DNSConfig"), `must be empty (got ${show(dns)})`));
  const isolation = c.get("Isolation");
  if (!(isolation === undefined || isolation === "default"))
    run.out.push(violation("H8", join(path, "Isolation"), `must be the default (got ${show(isolation)})`));
  for (const key of ["Args", "Env"] as const) {
    const v = c.get(key);
    if (v !== undefined && !(Array.isArray(v) && v.every((s) => isString(s) && !s.includes("\u0000")))) {
      run.out.push(violation("INPUT", join(path, key), "must be a list of strings without NUL characters"));
    }
  }
  const mounts = c.get("Mounts");
  checkMounts(mounts, join(path, "Mounts"), run, new Set());
  const tmp = Array.isArray(mounts) ? mounts.find((m) => isPlainObject(m) && m.Type === "tmpfs" && m.Target === "/tmp") : undefined;
  if (tmp === undefined) run.out.push(violation("R7", join(path, "Mounts"), "must hold the size-limited /tmp tmpfs"));
  return mounts;
}

/**
 * Enforcement point 2 for Swarm (S1): re-reads a service spec the way the manager will,
 * independent of buildServiceSpec. `mode: "inspect"` checks the Spec of a live service
 * (the verifier's half on the manager), which carries a few manager defaults.
 */
export function assertServiceSpec(spec: unknown, expected: ExpectedScope, swarm: SwarmScope, mode: Mode = "create"): Violation[] {
  const out: Violation[] = [];
  const run: CheckRun = { scope: expected, out, mode: "create" };
  checkPlainJson(spec, "", out);
  if (!isPlainObject(spec)) return [violation("INPUT", "", "a service spec must be a JSON object")];
  const s = struct(spec, "", mode === "inspect" ? [...SPEC, ...SPEC_INSPECT] : SPEC, run, "INPUT");
  checkServiceName(s.get("Name"), run);
  checkLabels(s.get("Labels"), "Labels", run);
  checkMode(s.get("Mode"), run);
  checkEndpoint(s.get("EndpointSpec"), run);

  const p = "TaskTemplate";
  const t = struct(s.get("TaskTemplate"), p, mode === "inspect" ? [...TASK, ...TASK_INSPECT] : TASK, run, "INPUT");
  const mounts = checkContainerSpec(t.get("ContainerSpec"), `${p}.ContainerSpec`, run, mode);
  checkResources(t.get("Resources"), `${p}.Resources`, run, mode);
  checkServiceRestart(t.get("RestartPolicy"), `${p}.RestartPolicy`, run, mode);
  checkPlacement(t.get("Placement"), `${p}.Placement`, run, swarm, mounts);
  checkServiceNetworks(t.get("Networks"), `${p}.Networks`, run);
  const log = struct(t.get("LogDriver"), `${p}.LogDriver`, ["Name", "Options"], run, "R5");
  checkLogConfig({ Type: log.get("Name"), Config: log.get("Options") }, `${p}.LogDriver`, run);
  const force = t.get("ForceUpdate");
  if (force !== undefined && !(isInt(force) && force >= 0)) out.push(violation("INPUT", `${p}.ForceUpdate`, "must be a whole number"));
  const runtime = t.get("Runtime");
  // "plugin" runs a managed plugin with the plugin's own privileges.
  if (!(runtime === undefined || runtime === "" || runtime === "container"))
    out.push(violation("H8", `${p}.Runtime`, `must be "container" (got ${show(runtime)})`));
  return dedupeViolations(out);
}
