import { buildCreateOptions } from "./build-create-options";
import type { LaunchRequest } from "./launch-request";
import { ELIGIBLE_CONSTRAINT, MAX_SERVICE_NAME, type DockerServiceMount, type DockerServiceSpec } from "./service-spec";
import type { TenantContext } from "./tenant-context";
import { violation, type Violation } from "./violation";

export type ServiceBuildResult = { ok: true; spec: DockerServiceSpec } | { ok: false; violations: Violation[] };

/** Where a service may run, from Berth's records: the node holding its volumes, if any. */
export interface SwarmPlacement {
  /** Swarm node id of the node whose local volumes the service mounts. */
  volumeNodeId?: string;
}

export const NODE_ID_PATTERN = /^[a-z0-9]{25}$/;
/** A tmpfs mount takes no uid=/gid= on a service (API 1.41); sticky world-writable instead. */
const TMPFS_MODE = 0o1777;
const MIB = 2 ** 20;

function swarmOnly(req: LaunchRequest, ctx: TenantContext, placement: SwarmPlacement): Violation[] {
  const out: Violation[] = [];
  req.ports.forEach((p, i) => {
    // S2: a published port on Swarm goes through the routing mesh onto every node's
    // interfaces (or, in host mode, onto whichever node runs the task): never for tenants.
    if (p.expose === "port") {
      out.push(
        violation(
          "N2",
          `ports[${i}].expose`,
          'raw ports are not published on Swarm (they would open on every node); serve the port through Berth\'s edge with expose "https"',
        ),
      );
    }
  });
  if (ctx.runtime !== undefined) {
    out.push(violation("H8", "tenant.runtime", "a registered runtime cannot be chosen per service on Swarm; make it the nodes' default runtime"));
  }
  const name = `berth-${ctx.tenantSlug}_${req.name}`;
  if (name.length > MAX_SERVICE_NAME) {
    out.push(violation("O3", "name", `on Swarm the engine name ${name} must be at most ${MAX_SERVICE_NAME} characters; choose a shorter name`));
  }
  if (req.volumes.length > 0 && (placement.volumeNodeId === undefined || !NODE_ID_PATTERN.test(placement.volumeNodeId))) {
    out.push(violation("H2", "volumes", "the node holding this tenant's volumes is not known; the service cannot be placed next to them"));
  }
  return out;
}

/**
 * The service-spec form of the launch policy (control S1). The container body is built by
 * buildCreateOptions from the same TenantContext, so every check and every value is the
 * one single-engine launches get; this only moves each control to the place a service
 * spec holds it. What a service cannot express on API 1.41 (no-new-privileges) is the
 * node's daemon default, checked by node posture and by the verifier's probe.
 */
export function buildServiceSpec(req: LaunchRequest, ctx: TenantContext, placement: SwarmPlacement): ServiceBuildResult {
  const out = swarmOnly(req, ctx, placement);
  // Raw ports are refused above, so nothing is published and no host port is allocated.
  const built = buildCreateOptions({ ...req, ports: req.ports.filter((p) => p.expose !== "port") }, { ...ctx, hostPorts: [] });
  if (!built.ok) out.push(...built.violations);
  if (out.length > 0 || !built.ok) return { ok: false, violations: out };

  const o = built.options;
  const hc = o.HostConfig;
  const tmpSize = /size=([0-9]+)m/.exec(hc.Tmpfs["/tmp"] ?? "")?.[1];
  const mounts: DockerServiceMount[] = hc.Mounts.map((m) => ({
    Type: "volume",
    Source: m.Source,
    Target: m.Target,
    ReadOnly: m.ReadOnly,
    VolumeOptions: { NoCopy: true },
  }));
  mounts.push({ Type: "tmpfs", Target: "/tmp", ReadOnly: false, TmpfsOptions: { SizeBytes: Number(tmpSize) * MIB, Mode: TMPFS_MODE } });
  const constraints = [ELIGIBLE_CONSTRAINT];
  if (req.volumes.length > 0 && placement.volumeNodeId !== undefined) constraints.push(`node.id==${placement.volumeNodeId}`);

  const spec: DockerServiceSpec = {
    Name: o.name,
    Labels: { ...o.Labels },
    TaskTemplate: {
      ContainerSpec: {
        Image: o.Image,
        Labels: { ...o.Labels },
        Env: [...o.Env],
        User: o.User,
        ReadOnly: hc.ReadonlyRootfs,
        Mounts: mounts,
        Init: true,
        Sysctls: { ...hc.Sysctls },
        CapabilityDrop: ["ALL"],
        CapabilityAdd: [...hc.CapAdd],
        Ulimits: hc.Ulimits.map((u) => ({ ...u })),
      },
      Resources: { Limits: { NanoCPUs: hc.NanoCpus, MemoryBytes: hc.Memory, Pids: hc.PidsLimit } },
      // Swarm restarts the task, not the daemon: "none" or at most five attempts (R6).
      RestartPolicy:
        hc.RestartPolicy.Name === "on-failure"
          ? { Condition: "on-failure", MaxAttempts: hc.RestartPolicy.MaximumRetryCount ?? 1 }
          : { Condition: "none", MaxAttempts: 0 },
      Placement: { Constraints: constraints },
      Networks: [{ Target: ctx.networkName, Aliases: [req.name] }],
      LogDriver: { Name: "json-file", Options: { ...hc.LogConfig.Config } },
    },
    Mode: { Replicated: { Replicas: 1 } },
    EndpointSpec: { Mode: "dnsrr" },
  };
  if (o.Cmd !== undefined) spec.TaskTemplate.ContainerSpec.Args = [...o.Cmd];
  if (o.Healthcheck !== undefined) spec.TaskTemplate.ContainerSpec.Healthcheck = { ...o.Healthcheck, Test: [...o.Healthcheck.Test] };
  return { ok: true, spec };
}
