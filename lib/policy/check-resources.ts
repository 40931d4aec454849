import { isInt, isString, join, parseByteSize, show, type CheckRun } from "./check-support";
import { CHECK_LIMITS } from "./expected-scope";
import { readStruct } from "./go-json";
import { violation } from "./violation";

const MIB = 2 ** 20;

export function checkMemory(memory: unknown, swap: unknown, path: string, run: CheckRun): void {
  const max = run.scope.maxMemoryMb;
  if (!isInt(memory) || memory <= 0) {
    run.out.push(violation("R1", join(path, "Memory"), `a memory limit is required (got ${show(memory)})`));
  } else if (max !== undefined && memory > max * MIB) {
    run.out.push(violation("R1", join(path, "Memory"), `${memory / MIB} MB is above the per-container maximum of ${max} MB`));
  }
  // MemorySwap is memory + swap; -1 (unlimited) or a larger value would let the container
  // page out beyond its limit.
  if (swap !== memory) run.out.push(violation("R1", join(path, "MemorySwap"), `must equal Memory (got ${show(swap)})`));
}

export function checkCpu(nanoCpus: unknown, path: string, run: CheckRun): void {
  const max = run.scope.maxCpuMillis;
  if (!isInt(nanoCpus) || nanoCpus <= 0) {
    run.out.push(violation("R2", path, `a CPU limit is required (got ${show(nanoCpus)})`));
  } else if (max !== undefined && nanoCpus > max * 1_000_000) {
    run.out.push(violation("R2", path, `${nanoCpus / 1_000_000} millicores is above the per-container maximum of ${max}`));
  }
}

export function checkPids(pidsLimit: unknown, init: unknown, path: string, run: CheckRun): void {
  // 0 and -1 both mean "unlimited" to Docker.
  if (!isInt(pidsLimit) || pidsLimit <= 0 || pidsLimit > CHECK_LIMITS.maxPids) {
    run.out.push(violation("R3", join(path, "PidsLimit"), `a PIDs limit of 1-${CHECK_LIMITS.maxPids} is required (got ${show(pidsLimit)})`));
  }
  if (init !== true) run.out.push(violation("R3", join(path, "Init"), "an init process must reap orphans (Init: true)"));
}

export function checkUlimits(ulimits: unknown, path: string, run: CheckRun): void {
  if (!Array.isArray(ulimits)) {
    run.out.push(violation("R4", path, "an open-files (nofile) limit is required"));
    return;
  }
  let nofile = false;
  ulimits.forEach((u: unknown, i) => {
    const at = `${path}[${i}]`;
    const f = readStruct(u, at, { known: ["Name", "Soft", "Hard"], controlOf: () => "R4", flagUnknown: true }, run.out, "R4");
    const soft = f.get("Soft");
    const hard = f.get("Hard");
    if (f.get("Name") !== "nofile") {
      run.out.push(violation("R4", join(at, "Name"), `only the nofile limit is set by Berth (got ${show(f.get("Name"))})`));
    } else if (!isInt(soft) || !isInt(hard) || soft <= 0 || soft > hard || hard > CHECK_LIMITS.maxNofile) {
      run.out.push(violation("R4", at, `nofile must be 1-${CHECK_LIMITS.maxNofile} with soft ≤ hard`));
    } else {
      nofile = true;
    }
  });
  if (!nofile) run.out.push(violation("R4", path, "an open-files (nofile) limit is required"));
}

export function checkLogConfig(logConfig: unknown, path: string, run: CheckRun): void {
  const f = readStruct(logConfig, path, { known: ["Type", "Config"], controlOf: () => "R5", flagUnknown: true }, run.out, "R5");
  const type = f.get("Type");
  if (type !== "json-file" && type !== "local") {
    run.out.push(violation("R5", join(path, "Type"), `log driver must be json-file or local (got ${show(type)})`));
  }
  const config = f.get("Config");
  const entries = config !== null && typeof config === "object" && !Array.isArray(config) ? Object.entries(config) : [];
  const values = new Map(entries);
  for (const [key] of entries) {
    if (!["max-size", "max-file", "compress"].includes(key)) {
      run.out.push(violation("R5", `${join(path, "Config")}[${JSON.stringify(key)}]`, `log option ${key} is not one Berth sets`));
    }
  }
  const size = values.get("max-size");
  const bytes = isString(size) ? parseByteSize(size) : undefined;
  if (bytes === undefined || bytes <= 0 || bytes > CHECK_LIMITS.maxLogSizeBytes) {
    run.out.push(violation("R5", join(path, "Config.max-size"), `a log size limit is required (got ${show(size)})`));
  }
  const files = values.get("max-file");
  const count = isString(files) && /^[0-9]{1,3}$/.test(files) ? Number(files) : 0;
  if (count < 1 || count > CHECK_LIMITS.maxLogFiles) {
    run.out.push(
      violation("R5", join(path, "Config.max-file"), `a log file count of 1-${CHECK_LIMITS.maxLogFiles} is required (got ${show(files)})`),
    );
  }
}

export function checkRestart(policy: unknown, path: string, run: CheckRun): void {
  const f = readStruct(policy, path, { known: ["Name", "MaximumRetryCount"], controlOf: () => "R6", flagUnknown: true }, run.out, "R6");
  const name = f.get("Name");
  const retries = f.get("MaximumRetryCount");
  if (name === undefined || name === "" || name === "no") {
    if (!(retries === undefined || retries === 0))
      run.out.push(violation("R6", join(path, "MaximumRetryCount"), 'must be 0 when the policy is "no"'));
    return;
  }
  if (name !== "on-failure") {
    run.out.push(violation("R6", join(path, "Name"), `restart policy ${show(name)} is not allowed; use "no" or "on-failure"`));
    return;
  }
  // MaximumRetryCount 0 with on-failure means "retry forever".
  if (!isInt(retries) || retries < 1 || retries > CHECK_LIMITS.maxOnFailureRetries) {
    run.out.push(violation("R6", join(path, "MaximumRetryCount"), `must be 1-${CHECK_LIMITS.maxOnFailureRetries} (got ${show(retries)})`));
  }
}

export function checkReadonlyRootfs(readonly: unknown, path: string, run: CheckRun): void {
  if (readonly === true) return;
  if (run.scope.allowWritableRootfs && (readonly === false || readonly === undefined || readonly === null)) return;
  run.out.push(violation("R7", path, "this tenant's policy requires a read-only root filesystem"));
}

const HEALTHCHECK_FIELDS = ["Test", "Interval", "Timeout", "StartPeriod", "Retries"] as const;

export function checkHealthcheck(healthcheck: unknown, path: string, run: CheckRun): void {
  if (healthcheck === undefined || healthcheck === null) {
    if (run.scope.requireHealthcheck === true) run.out.push(violation("R8", path, "the catalog image defines a healthcheck, so it must be set"));
    return;
  }
  const f = readStruct(healthcheck, path, { known: HEALTHCHECK_FIELDS, controlOf: () => "R8", flagUnknown: true }, run.out, "R8");
  const test = f.get("Test");
  const kind = Array.isArray(test) ? test[0] : undefined;
  const testOk = Array.isArray(test) && test.every(isString) && (kind === "CMD" || kind === "CMD-SHELL") && test.length >= 2;
  if (!testOk) {
    const disabled = Array.isArray(test) && (kind === "NONE" || test.length === 0);
    if (!disabled || run.scope.requireHealthcheck === true) {
      run.out.push(violation("R8", join(path, "Test"), `must be ["CMD", ...] or ["CMD-SHELL", "..."] (got ${show(test)})`));
    }
  }
  for (const key of ["Interval", "Timeout", "StartPeriod", "Retries"] as const) {
    const v = f.get(key);
    if (v !== undefined && (!isInt(v) || v < 0))
      run.out.push(violation("R8", join(path, key), `must be a non-negative whole number (got ${show(v)})`));
  }
}
