import { checkExposedPorts, checkImage, checkLabels, checkName, checkNetworkingConfig, checkNetworkMode, checkPortBindings } from "./check-exposure";
import { checkBinds, checkMounts, checkNamespaces, checkRuntime, checkTmpfs } from "./check-host";
import { checkCapabilities, checkPrivileged, checkSecurityOpt, checkSysctls, checkUser } from "./check-identity";
import {
  checkCpu,
  checkHealthcheck,
  checkLogConfig,
  checkMemory,
  checkPids,
  checkReadonlyRootfs,
  checkRestart,
  checkUlimits,
} from "./check-resources";
import { isString, type CheckRun } from "./check-support";
import type { ExpectedScope } from "./expected-scope";
import { controlOfField, PRESENCE_MATTERS } from "./field-controls";
import { checkPlainJson, goFoldKey, readStruct } from "./go-json";
import { dedupeViolations, violation, type Violation } from "./violation";

const TOP_LEVEL = ["name", "Image", "User", "Cmd", "Env", "Labels", "ExposedPorts", "Healthcheck", "HostConfig", "NetworkingConfig"] as const;

const HOST_CONFIG = [
  "NetworkMode",
  "IpcMode",
  "PidMode",
  "CgroupnsMode",
  "Privileged",
  "PublishAllPorts",
  "ReadonlyRootfs",
  "CapDrop",
  "CapAdd",
  "SecurityOpt",
  "Sysctls",
  "Mounts",
  "Tmpfs",
  "PortBindings",
  "Memory",
  "MemorySwap",
  "NanoCpus",
  "PidsLimit",
  "Init",
  "Ulimits",
  "LogConfig",
  "RestartPolicy",
  "Runtime",
] as const;

const TOP_LEVEL_HINT = " (Docker also reads HostConfig fields at the top level of a create body)";

function checkArgv(value: unknown, path: string, out: Violation[]): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value) || !value.every((s) => isString(s) && !s.includes("\u0000"))) {
    out.push(violation("INPUT", path, "must be a list of strings without NUL characters"));
  }
}

function checkEnv(value: unknown, path: string, out: Violation[]): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value) || !value.every((s) => isString(s) && /^[A-Za-z_][A-Za-z0-9_]*=/.test(s) && !s.includes("\u0000"))) {
    out.push(violation("INPUT", path, 'must be a list of "NAME=value" strings'));
  }
}

/**
 * Enforcement point 2: re-reads the final create request, as an attacker's request would
 * be read, right before the daemon is called. Independent of the constructor by design.
 * Returns every violation; an empty list means the request may be sent.
 */
export function assertCreateOptions(options: unknown, expected: ExpectedScope): Violation[] {
  const out: Violation[] = [];
  const run: CheckRun = { scope: expected, out, mode: "create" };
  checkPlainJson(options, "", out);
  // The daemon's create wrapper embeds HostConfig at the top level for old clients: with no
  // "HostConfig" key, top-level "Privileged"/"Binds" become the host config, and with one,
  // top-level Memory/CpuShares/Cpuset still merge in. So HostConfig's fields are checked
  // (and refused) at the top level too.
  const top = readStruct(
    options,
    "",
    { known: TOP_LEVEL, controlOf: controlOfField, flagUnknown: true, presenceMatters: PRESENCE_MATTERS, unknownHint: TOP_LEVEL_HINT },
    out,
    "INPUT",
  );
  checkName(top.get("name"), "name", run);
  checkImage(top.get("Image"), "Image", run);
  checkUser(top.get("User"), "User", run);
  checkArgv(top.get("Cmd"), "Cmd", out);
  checkEnv(top.get("Env"), "Env", out);
  checkLabels(top.get("Labels"), "Labels", run);
  checkExposedPorts(top.get("ExposedPorts"), "ExposedPorts", run);
  checkHealthcheck(top.get("Healthcheck"), "Healthcheck", run);
  checkNetworkingConfig(top.get("NetworkingConfig"), "NetworkingConfig", run);

  const rawHostConfig = top.get("HostConfig");
  if (rawHostConfig === undefined || rawHostConfig === null) {
    out.push(violation("INPUT", "HostConfig", "is required: without it Docker reads host options from the top level"));
  }
  const hc = readStruct(
    rawHostConfig,
    "HostConfig",
    { known: HOST_CONFIG, controlOf: controlOfField, flagUnknown: true, presenceMatters: PRESENCE_MATTERS },
    out,
    "INPUT",
  );
  const p = "HostConfig";
  checkCapabilities(hc.get("CapAdd"), hc.get("CapDrop"), p, run);
  checkSecurityOpt(hc.get("SecurityOpt"), `${p}.SecurityOpt`, run);
  checkPrivileged(hc.get("Privileged"), `${p}.Privileged`, run);
  checkSysctls(hc.get("Sysctls"), `${p}.Sysctls`, run);
  const targets = new Set<string>();
  checkTmpfs(hc.get("Tmpfs"), `${p}.Tmpfs`, run, targets);
  checkMounts(hc.get("Mounts"), `${p}.Mounts`, run, targets);
  checkNamespaces(hc, p, run);
  checkNetworkMode(hc.get("NetworkMode"), `${p}.NetworkMode`, run);
  checkRuntime(hc.get("Runtime"), `${p}.Runtime`, run);
  checkMemory(hc.get("Memory"), hc.get("MemorySwap"), p, run);
  checkCpu(hc.get("NanoCpus"), `${p}.NanoCpus`, run);
  checkPids(hc.get("PidsLimit"), hc.get("Init"), p, run);
  checkUlimits(hc.get("Ulimits"), `${p}.Ulimits`, run);
  checkLogConfig(hc.get("LogConfig"), `${p}.LogConfig`, run);
  checkRestart(hc.get("RestartPolicy"), `${p}.RestartPolicy`, run);
  checkReadonlyRootfs(hc.get("ReadonlyRootfs"), `${p}.ReadonlyRootfs`, run);
  checkPortBindings(hc.get("PortBindings"), hc.get("PublishAllPorts"), p, run);
  // Binds/VolumesFrom are not in the allowlist, so readStruct already refused them under
  // H1; look again for a daemon socket among them (H7) wherever they were put.
  for (const [where, source] of [
    ["HostConfig", rawHostConfig],
    ["", options],
  ] as const) {
    if (source !== null && typeof source === "object" && !Array.isArray(source)) {
      for (const [key, value] of Object.entries(source)) {
        const folded = goFoldKey(key);
        if (folded === "binds" || folded === "volumesfrom") {
          const extra: Violation[] = [];
          checkBinds(value, where === "" ? key : `${where}.${key}`, { ...run, out: extra });
          out.push(...extra.filter((v) => v.control === "H7"));
        }
      }
    }
  }
  return dedupeViolations(out);
}
