import { checkAttachedNetworks, checkExposedPorts, checkImage, checkLabels, checkName, checkNetworkMode, checkPortBindings } from "./check-exposure";
import { checkBinds, checkInspectMounts, checkMounts, checkNamespaces, checkRuntime, checkTmpfs, checkUnsetHostFields } from "./check-host";
import {
  checkAppArmor,
  checkCapabilities,
  checkGroups,
  checkMaskedPaths,
  checkPrivileged,
  checkSecurityOpt,
  checkSysctls,
  checkUser,
} from "./check-identity";
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
import type { CheckRun } from "./check-support";
import type { ExpectedScope } from "./expected-scope";
import { isPlainObject } from "./go-json";
import { violation, type Violation } from "./violation";

const record = (value: unknown): Record<string, unknown> => (isPlainObject(value) ? value : {});

/**
 * Enforcement point 3: lists every control a live container violates, from the JSON of
 * `docker inspect <id>` (one element, not the CLI's array). Inspect fills in defaults for
 * every field, so each control is checked field by field instead of by an allowlist of keys.
 */
export function verifyInspect(inspect: unknown, expected: ExpectedScope): Violation[] {
  const out: Violation[] = [];
  const run: CheckRun = { scope: expected, out, mode: "inspect" };
  if (!isPlainObject(inspect)) return [violation("INPUT", "", "inspect output must be a JSON object")];
  const config = record(inspect.Config);
  const hc = record(inspect.HostConfig);
  const hcMap = new Map(Object.entries(hc));
  if (!isPlainObject(inspect.Config)) out.push(violation("INPUT", "Config", "is missing"));
  if (!isPlainObject(inspect.HostConfig)) out.push(violation("INPUT", "HostConfig", "is missing"));

  checkName(inspect.Name, "Name", run);
  checkUser(config.User, "Config.User", run);
  checkImage(config.Image, "Config.Image", run);
  checkLabels(config.Labels, "Config.Labels", run);
  checkExposedPorts(config.ExposedPorts, "Config.ExposedPorts", run);
  checkHealthcheck(config.Healthcheck, "Config.Healthcheck", run);

  const p = "HostConfig";
  checkGroups(hc.GroupAdd, `${p}.GroupAdd`, run);
  checkCapabilities(hc.CapAdd, hc.CapDrop, p, run);
  checkSecurityOpt(hc.SecurityOpt, `${p}.SecurityOpt`, run);
  checkPrivileged(hc.Privileged, `${p}.Privileged`, run);
  checkMaskedPaths(hc.MaskedPaths, hc.ReadonlyPaths, p, run);
  checkAppArmor(inspect.AppArmorProfile, "AppArmorProfile", run);
  checkSysctls(hc.Sysctls, `${p}.Sysctls`, run);
  checkBinds(hc.Binds, `${p}.Binds`, run);
  checkBinds(hc.VolumesFrom, `${p}.VolumesFrom`, run);
  const targets = new Set<string>();
  checkTmpfs(hc.Tmpfs, `${p}.Tmpfs`, run, targets);
  checkMounts(hc.Mounts, `${p}.Mounts`, run, targets);
  checkInspectMounts(inspect.Mounts, "Mounts", run);
  checkNamespaces(hcMap, p, run);
  checkUnsetHostFields(hc, p, run);
  checkRuntime(hc.Runtime, `${p}.Runtime`, run);
  checkNetworkMode(hc.NetworkMode, `${p}.NetworkMode`, run);
  checkAttachedNetworks(record(inspect.NetworkSettings).Networks, "NetworkSettings.Networks", run);
  checkMemory(hc.Memory, hc.MemorySwap, p, run);
  checkCpu(hc.NanoCpus, `${p}.NanoCpus`, run);
  checkPids(hc.PidsLimit, hc.Init, p, run);
  checkUlimits(hc.Ulimits, `${p}.Ulimits`, run);
  checkLogConfig(hc.LogConfig, `${p}.LogConfig`, run);
  checkRestart(hc.RestartPolicy, `${p}.RestartPolicy`, run);
  checkReadonlyRootfs(hc.ReadonlyRootfs, `${p}.ReadonlyRootfs`, run);
  checkPortBindings(hc.PortBindings, hc.PublishAllPorts, p, run);
  return out;
}
