import { checkImage, checkPortBindings } from "./check-exposure";
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
import { checkCpu, checkLogConfig, checkMemory, checkPids, checkReadonlyRootfs, checkRestart, checkUlimits } from "./check-resources";
import { show, type CheckRun } from "./check-support";
import type { DockerUlimit } from "./create-options";
import type { ExpectedScope } from "./expected-scope";
import { isPlainObject } from "./go-json";
import { violation, type Violation } from "./violation";

/*
 * Berth's own one-shot helper for a tenant volume (listing and uploading its files). It is
 * not a tenant workload, but it runs next to them on the same engine with a tenant's data
 * mounted, so it is held to the same controls: the tenant's uid, no capabilities,
 * no-new-privileges, read-only root, limits, only that one volume. Where a workload joins
 * its tenant's network (N1), the helper has no network at all.
 */

/** Where the helper sees the volume. */
export const HELPER_VOLUME_PATH = "/volume";
export const HELPER_ROLE_LABEL = "berth.role";

export interface HelperContext {
  tenantId: string;
  uid: number;
  gid: number;
  image: string;
  /** The Docker name of the tenant's volume. */
  volumeName: string;
  /** What the helper is for (label `berth.role`), e.g. "volume-files". */
  role: string;
  cmd: string[];
  /** Attach stdin (the upload's archive); closed when the client closes its side. */
  stdin: boolean;
  testRunId?: string;
}

const MIB = 2 ** 20;
export const HELPER_LIMITS = { memoryMb: 64, cpuMillis: 500, pids: 32, nofile: 256, tmpSizeMb: 1 } as const;

export interface HelperCreateOptions {
  Image: string;
  User: string;
  Cmd: string[];
  Env: string[];
  Labels: Record<string, string>;
  NetworkDisabled: true;
  OpenStdin: boolean;
  StdinOnce: boolean;
  AttachStdin: boolean;
  AttachStdout: true;
  AttachStderr: true;
  HostConfig: {
    NetworkMode: "none";
    IpcMode: "private";
    Privileged: false;
    ReadonlyRootfs: true;
    CapDrop: ["ALL"];
    CapAdd: [];
    SecurityOpt: string[];
    Mounts: { Type: "volume"; Source: string; Target: string; ReadOnly: boolean; VolumeOptions: { NoCopy: true } }[];
    Tmpfs: Record<string, string>;
    Memory: number;
    MemorySwap: number;
    NanoCpus: number;
    PidsLimit: number;
    Init: true;
    Ulimits: DockerUlimit[];
    LogConfig: { Type: "json-file"; Config: Record<string, string> };
    RestartPolicy: { Name: "no" };
  };
}

export function buildHelperOptions(ctx: HelperContext): HelperCreateOptions {
  const memory = HELPER_LIMITS.memoryMb * MIB;
  const labels: Record<string, string> = { "berth.managed": "true", "berth.tenant": ctx.tenantId, [HELPER_ROLE_LABEL]: ctx.role };
  if (ctx.testRunId !== undefined) labels["berth.test"] = ctx.testRunId;
  return {
    Image: ctx.image,
    User: `${ctx.uid}:${ctx.gid}`,
    Cmd: [...ctx.cmd],
    Env: [],
    Labels: labels,
    NetworkDisabled: true,
    // StdinOnce: the engine closes the helper's stdin when Berth closes its side of the
    // attach, which is how `tar -x` learns the archive has ended.
    OpenStdin: ctx.stdin,
    StdinOnce: ctx.stdin,
    AttachStdin: ctx.stdin,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: {
      NetworkMode: "none",
      IpcMode: "private",
      Privileged: false,
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      CapAdd: [],
      SecurityOpt: ["no-new-privileges:true"],
      Mounts: [{ Type: "volume", Source: ctx.volumeName, Target: HELPER_VOLUME_PATH, ReadOnly: !ctx.stdin, VolumeOptions: { NoCopy: true } }],
      Tmpfs: { "/tmp": `rw,nosuid,nodev,size=${HELPER_LIMITS.tmpSizeMb}m,uid=${ctx.uid},gid=${ctx.gid}` },
      Memory: memory,
      MemorySwap: memory,
      NanoCpus: HELPER_LIMITS.cpuMillis * 1_000_000,
      PidsLimit: HELPER_LIMITS.pids,
      Init: true,
      Ulimits: [{ Name: "nofile", Soft: HELPER_LIMITS.nofile, Hard: HELPER_LIMITS.nofile }],
      LogConfig: { Type: "json-file", Config: { "max-size": "1m", "max-file": "1" } },
      RestartPolicy: { Name: "no" },
    },
  };
}

const record = (value: unknown): Record<string, unknown> => (isPlainObject(value) ? value : {});

/**
 * Enforcement point 3 for the helper: reads the created helper's `docker inspect` and lists
 * every control it violates. Berth checks this before starting the helper, so a helper the
 * engine would run otherwise never runs.
 */
export function verifyHelperInspect(inspect: unknown, ctx: Omit<HelperContext, "stdin" | "testRunId">): Violation[] {
  if (!isPlainObject(inspect)) return [violation("INPUT", "", "inspect output must be a JSON object")];
  const scope: ExpectedScope = {
    tenantId: ctx.tenantId,
    uid: ctx.uid,
    gid: ctx.gid,
    networkName: "none",
    allowedCapabilities: [],
    allowedImageRefs: [ctx.image],
    ownedVolumeNames: [ctx.volumeName],
    hostIp: "127.0.0.1",
    portRange: { from: 1025, to: 1025 },
    allowWritableRootfs: false,
    allowedRuntimes: [],
    maxMemoryMb: HELPER_LIMITS.memoryMb,
    maxCpuMillis: HELPER_LIMITS.cpuMillis,
  };
  const out: Violation[] = [];
  const run: CheckRun = { scope, out, mode: "inspect" };
  const config = record(inspect.Config);
  const hc = record(inspect.HostConfig);
  checkUser(config.User, "Config.User", run);
  checkImage(config.Image, "Config.Image", run);
  const labels = record(config.Labels);
  if (labels["berth.managed"] !== "true" || labels["berth.tenant"] !== ctx.tenantId || labels[HELPER_ROLE_LABEL] !== ctx.role) {
    out.push(violation("O1", "Config.Labels", "the helper must carry Berth's labels for this tenant and its role"));
  }
  const cmd = config.Cmd;
  if (!Array.isArray(cmd) || cmd.length !== ctx.cmd.length || cmd.some((c, i) => c !== ctx.cmd[i])) {
    out.push(violation("INPUT", "Config.Cmd", `must be Berth's own command (got ${show(cmd)})`));
  }
  if (config.Entrypoint !== null && config.Entrypoint !== undefined && !(Array.isArray(config.Entrypoint) && config.Entrypoint.length === 0)) {
    out.push(violation("INPUT", "Config.Entrypoint", `the helper runs no entrypoint (got ${show(config.Entrypoint)})`));
  }
  if (isPlainObject(config.ExposedPorts) && Object.keys(config.ExposedPorts).length) {
    out.push(violation("N2", "Config.ExposedPorts", "the helper exposes no ports"));
  }
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
  if (!Array.isArray(inspect.Mounts) || inspect.Mounts.length !== 1) out.push(violation("H2", "Mounts", "the helper mounts exactly one volume"));
  checkNamespaces(new Map(Object.entries(hc)), p, run);
  checkUnsetHostFields(hc, p, run);
  checkRuntime(hc.Runtime, `${p}.Runtime`, run);
  if (hc.NetworkMode !== "none") out.push(violation("N1", `${p}.NetworkMode`, `the helper has no network (got ${show(hc.NetworkMode)})`));
  const networks = Object.keys(record(record(inspect.NetworkSettings).Networks));
  if (networks.some((n) => n !== "none"))
    out.push(violation("N1", "NetworkSettings.Networks", `the helper joins no network (got ${networks.join(", ")})`));
  checkMemory(hc.Memory, hc.MemorySwap, p, run);
  checkCpu(hc.NanoCpus, `${p}.NanoCpus`, run);
  checkPids(hc.PidsLimit, hc.Init, p, run);
  checkUlimits(hc.Ulimits, `${p}.Ulimits`, run);
  checkLogConfig(hc.LogConfig, `${p}.LogConfig`, run);
  checkRestart(hc.RestartPolicy, `${p}.RestartPolicy`, run);
  checkReadonlyRootfs(hc.ReadonlyRootfs, `${p}.ReadonlyRootfs`, run);
  checkPortBindings(hc.PortBindings, hc.PublishAllPorts, p, run);
  if (isPlainObject(hc.PortBindings) && Object.keys(hc.PortBindings).length)
    out.push(violation("N2", `${p}.PortBindings`, "the helper publishes no ports"));
  return out;
}
