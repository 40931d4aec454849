import type { DockerCreateOptions, DockerHealthcheck, DockerMount, DockerPortBinding } from "./create-options";
import type { LaunchRequest } from "./launch-request";
import { DEFAULT_LIMITS, type ContainerLimits, type TenantContext } from "./tenant-context";
import { violation, type Violation } from "./violation";

export type BuildResult = { ok: true; options: DockerCreateOptions } | { ok: false; violations: Violation[] };

/** Lowest uid/gid Berth allocates: far above distribution system and login users (U1). */
export const MIN_TENANT_ID = 10000;
const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,30}$/;
const RUNTIME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const LOG_SIZE_PATTERN = /^[1-9][0-9]{0,5}[kmg]$/;
const MIB = 2 ** 20;
const NS_PER_SECOND = 1_000_000_000;
/** How often Docker restarts a container under "on-failure"; exported for the pages that state it. */
export const ON_FAILURE_MAX_RETRIES = 5;

/** Addresses that publish on every interface of the host. */
export function isPublicBindAddress(ip: string): boolean {
  return ip === "" || ip === "0.0.0.0" || ip === "::" || ip === "[::]";
}

const isPositiveInt = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

function resolveLimits(ctx: TenantContext, out: Violation[]): ContainerLimits {
  const limits: ContainerLimits = { ...DEFAULT_LIMITS, ...ctx.limits };
  if (!isPositiveInt(limits.pids)) out.push(violation("R3", "tenant.limits.pids", "the PIDs limit must be a positive whole number"));
  if (!isPositiveInt(limits.nofile)) out.push(violation("R4", "tenant.limits.nofile", "the open-files limit must be a positive whole number"));
  if (!isPositiveInt(limits.tmpSizeMb)) out.push(violation("R7", "tenant.limits.tmpSizeMb", "the /tmp size must be a positive whole number of MB"));
  if (!LOG_SIZE_PATTERN.test(limits.logMaxSize)) out.push(violation("R5", "tenant.limits.logMaxSize", 'the log size must look like "10m"'));
  if (!isPositiveInt(limits.logMaxFile))
    out.push(violation("R5", "tenant.limits.logMaxFile", "the number of log files must be a positive whole number"));
  return limits;
}

function checkIdentity(req: LaunchRequest, ctx: TenantContext, out: Violation[]): void {
  for (const [field, id] of [
    ["uid", ctx.uid],
    ["gid", ctx.gid],
  ] as const) {
    if (!Number.isSafeInteger(id) || id < MIN_TENANT_ID) {
      out.push(
        violation("U1", `tenant.${field}`, `the tenant's ${field} must be a whole number of at least ${MIN_TENANT_ID}, never root (got ${id})`),
      );
    }
  }
  if (!SLUG_PATTERN.test(ctx.tenantSlug)) out.push(violation("O3", "tenant.tenantSlug", "the tenant slug is not a valid slug"));
  if (ctx.containerName !== req.name) out.push(violation("O3", "name", "the container name does not match the request"));
  if (ctx.networkName !== `berth-${ctx.tenantSlug}`) {
    out.push(violation("N1", "tenant.networkName", `containers of this tenant must join its own network berth-${ctx.tenantSlug}`));
  }
  // The service resolves the catalog image; a mismatch here means the request named a
  // different image than the one about to be launched.
  if (req.imageId !== undefined && req.imageId !== ctx.image.id) {
    out.push(violation("O2", "imageId", `image ${JSON.stringify(req.imageId)} is not in the catalog`));
  }
  if (req.image !== undefined && req.image !== ctx.image.ref) {
    out.push(violation("O2", "image", `image ${JSON.stringify(req.image)} is not in the catalog; choose one of the catalog's images`));
  }
}

function buildMounts(req: LaunchRequest, ctx: TenantContext, out: Violation[]): DockerMount[] {
  const mounts: DockerMount[] = [];
  req.volumes.forEach((v, i) => {
    const source = Object.prototype.hasOwnProperty.call(ctx.volumes, v.volume) ? ctx.volumes[v.volume] : undefined;
    if (source === undefined) {
      out.push(violation("H2", `volumes[${i}].volume`, `no volume named ${JSON.stringify(v.volume)} in this tenant — create it first`));
      return;
    }
    // Docker reads a Source starting with "/" (or "." / "~" on some clients) as a host path.
    if (!/^[a-z0-9][a-z0-9_.-]{0,127}$/.test(source)) {
      out.push(violation("H1", `volumes[${i}].volume`, "the Docker volume behind this name is not a plain volume name"));
      return;
    }
    // NoCopy: on first mount Docker otherwise copies the image's directory at the target into
    // the empty volume, *including its owner and mode* (root 0755 in most images), which
    // undoes the tenant ownership Berth gave the volume and leaves it unwritable.
    mounts.push({ Type: "volume", Source: source, Target: v.path, ReadOnly: v.readOnly, VolumeOptions: { NoCopy: true } });
  });
  return mounts;
}

/**
 * The container's name on the engine, also how the edge dials it on the tenant network.
 * "_" cannot occur in a slug or a name: `berth-a_b-c` and `berth-a-b_c` never collide (with
 * "-" tenant a's "b-c" and tenant a-b's "c" would both be berth-a-b-c).
 */
export function containerDockerName(tenantSlug: string, name: string): string {
  return `berth-${tenantSlug}_${name}`;
}

function buildPorts(req: LaunchRequest, ctx: TenantContext, out: Violation[]) {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, DockerPortBinding[]> = {};
  // HTTPS ports are reached by the edge over the tenant network: nothing is published for them.
  const published = req.ports.filter((p) => p.expose === "port");
  if (published.length > 0 && isPublicBindAddress(ctx.hostIp) && ctx.allowPublicBind !== true) {
    out.push(
      violation("N2", "ports", `ports may not be published on all host addresses (${ctx.hostIp || "empty address"}) unless the operator allows it`),
    );
  }
  req.ports.forEach((p, i) => {
    if (p.expose !== "port") return;
    const key = `${p.container}/${p.protocol}`;
    const allocation = ctx.hostPorts.find((h) => h.container === p.container && h.protocol === p.protocol);
    if (allocation === undefined) {
      out.push(violation("N2", `ports[${i}]`, `no host port was allocated for ${key}`));
      return;
    }
    if (!Number.isSafeInteger(allocation.hostPort) || allocation.hostPort <= 1024 || allocation.hostPort > 65535) {
      out.push(violation("N2", `ports[${i}]`, `host port ${allocation.hostPort} is outside 1025-65535`));
      return;
    }
    exposed[key] = {};
    bindings[key] = [{ HostIp: ctx.hostIp, HostPort: String(allocation.hostPort) }];
  });
  return { exposed, bindings };
}

function buildHealthcheck(ctx: TenantContext, out: Violation[]): DockerHealthcheck | undefined {
  const hc = ctx.image.healthcheck;
  if (hc === undefined) return undefined;
  const kind = hc.test[0];
  const durationsOk = [hc.intervalSeconds, hc.timeoutSeconds].every((s) => Number.isFinite(s) && s > 0 && s <= 86400);
  if ((kind !== "CMD" && kind !== "CMD-SHELL") || hc.test.length < 2 || !durationsOk || !Number.isSafeInteger(hc.retries) || hc.retries < 1) {
    out.push(violation("R8", "image.healthcheck", "the catalog image's healthcheck is malformed"));
    return undefined;
  }
  return {
    Test: [...hc.test],
    Interval: Math.round(hc.intervalSeconds * NS_PER_SECOND),
    Timeout: Math.round(hc.timeoutSeconds * NS_PER_SECOND),
    Retries: hc.retries,
  };
}

/**
 * The tenant's per-container maxima (controls R1, R2). Exported so a launch can be refused
 * as a policy violation before its quota reservation, which would otherwise answer
 * quota_exceeded for a request no quota could ever admit.
 */
export function checkContainerMaxima(
  req: Pick<LaunchRequest, "memoryMb" | "cpuMillis">,
  ctx: Pick<TenantContext, "maxMemoryMb" | "maxCpuMillis">,
): Violation[] {
  const out: Violation[] = [];
  if (req.memoryMb > ctx.maxMemoryMb) {
    out.push(violation("R1", "memoryMb", `${req.memoryMb} is above this tenant's per-container maximum of ${ctx.maxMemoryMb} MB`));
  }
  if (req.cpuMillis > ctx.maxCpuMillis) {
    out.push(violation("R2", "cpuMillis", `${req.cpuMillis} is above this tenant's per-container maximum of ${ctx.maxCpuMillis} millicores`));
  }
  return out;
}

/**
 * Builds the whole create request from scratch (hardening-controls.md): nothing from the
 * request reaches Docker except through a validated LaunchRequest field, and every
 * security field is set explicitly instead of trusting a daemon default.
 */
export function buildCreateOptions(req: LaunchRequest, ctx: TenantContext): BuildResult {
  const out: Violation[] = [];
  checkIdentity(req, ctx, out);
  const limits = resolveLimits(ctx, out);

  out.push(...checkContainerMaxima(req, ctx));
  const writableRoot = req.readOnlyRootfs === false;
  if (writableRoot && !ctx.allowWritableRootfs) {
    out.push(violation("R7", "readOnlyRootfs", "this tenant's policy requires a read-only root filesystem"));
  }
  if (ctx.runtime !== undefined && !RUNTIME_PATTERN.test(ctx.runtime)) {
    out.push(violation("H8", "tenant.runtime", "the registered runtime name is not valid"));
  }

  const mounts = buildMounts(req, ctx, out);
  const { exposed, bindings } = buildPorts(req, ctx, out);
  const healthcheck = buildHealthcheck(ctx, out);
  if (out.length > 0) return { ok: false, violations: out };

  // NET_BIND_SERVICE is only granted when the tenant may have it *and* asked for a port
  // below 1024. The ip_unprivileged_port_start sysctl already lets a non-root process bind
  // low ports inside its own network namespace, so the capability is rarely needed at all.
  const wantsLowPort = req.ports.some((p) => p.container < 1024);
  const capAdd = ctx.allowedCapabilities.includes("NET_BIND_SERVICE") && wantsLowPort ? ["NET_BIND_SERVICE"] : [];

  const labels: Record<string, string> = {
    "berth.managed": "true",
    "berth.tenant": ctx.tenantId,
    "berth.id": ctx.berthId,
    "berth.name": req.name,
    "berth.image": ctx.image.id,
  };
  if (ctx.testRunId !== undefined) labels["berth.test"] = ctx.testRunId;

  const memory = req.memoryMb * MIB;
  const options: DockerCreateOptions = {
    name: containerDockerName(ctx.tenantSlug, req.name),
    Image: ctx.image.ref,
    User: `${ctx.uid}:${ctx.gid}`,
    Env: Object.keys(req.env ?? {}).map((key) => `${key}=${req.env?.[key] ?? ""}`),
    Labels: labels,
    ExposedPorts: exposed,
    HostConfig: {
      NetworkMode: ctx.networkName,
      // Explicit, because a daemon configured with default-ipc-mode "shareable" would
      // otherwise let other containers join this IPC namespace.
      IpcMode: "private",
      Privileged: false,
      PublishAllPorts: false,
      ReadonlyRootfs: !(writableRoot && ctx.allowWritableRootfs),
      CapDrop: ["ALL"],
      CapAdd: capAdd,
      SecurityOpt: ["no-new-privileges:true"],
      Sysctls: { "net.ipv4.ip_unprivileged_port_start": "0" },
      Mounts: mounts,
      // HostConfig.Tmpfs rather than a Mounts entry: only this form takes uid=/gid=, and a
      // tmpfs over the image's root-owned /tmp is unwritable for the tenant user without
      // them. Docker adds noexec unless "exec" is given.
      Tmpfs: { "/tmp": `rw,nosuid,nodev,size=${limits.tmpSizeMb}m,uid=${ctx.uid},gid=${ctx.gid}` },
      PortBindings: bindings,
      Memory: memory,
      // Equal to Memory: no swap on top of the limit (MemorySwap is memory + swap).
      MemorySwap: memory,
      NanoCpus: req.cpuMillis * 1_000_000,
      PidsLimit: limits.pids,
      Init: true,
      Ulimits: [{ Name: "nofile", Soft: limits.nofile, Hard: limits.nofile }],
      LogConfig: { Type: "json-file", Config: { "max-size": limits.logMaxSize, "max-file": String(limits.logMaxFile) } },
      RestartPolicy: req.restart === "on-failure" ? { Name: "on-failure", MaximumRetryCount: ON_FAILURE_MAX_RETRIES } : { Name: "no" },
      ...(ctx.runtime !== undefined ? { Runtime: ctx.runtime } : {}),
    },
    NetworkingConfig: { EndpointsConfig: { [ctx.networkName]: { Aliases: [req.name] } } },
  };
  const cmd = req.command ?? ctx.image.defaultCommand;
  if (cmd !== undefined) options.Cmd = [...cmd];
  if (healthcheck !== undefined) options.Healthcheck = healthcheck;
  return { ok: true, options };
}
