import "server-only";
import type Docker from "dockerode";
import { testLabels, LABEL } from "@/lib/docker/labels";

/**
 * A node's posture (hardening control S1): what a tenant task relies on that the service API
 * of Engine 20.10 (API 1.41) cannot express per service, so the node's daemon must supply it
 * by default, plus what every container's limits need from the node's kernel.
 *
 * Required for `ok` (a node that fails any gets no tenant task):
 * - no-new-privileges by default (`dockerd --no-new-privileges`, U4): read as `NoNewPrivs: 1`
 *   from a probe container's /proc/self/status, since neither `docker info` nor the task
 *   container's inspect shows the daemon default;
 * - seccomp on, with a profile other than unconfined (U6);
 * - memory, PIDs and CPU limits enforceable (R1-R3);
 * - no swap (`SwapTotal: 0 kB` in the probe's /proc/meminfo, which is the node's): R1 wants
 *   `MemorySwap = Memory`, and the service API of Engine 20.10 cannot set a task's swap limit,
 *   so with swap on the node a task could swap past its memory limit (Docker's default for a
 *   memory-limited container is as much swap again);
 * - an engine endpoint Berth can reach (the verifier inspects a task's container through
 *   its node's engine, S3; a node Berth cannot verify cannot hold tenant tasks).
 *
 * Reported, required only with BERTH_REQUIRE_USERNS_REMAP=true: user-namespace remapping.
 * Berth's tasks already run as a non-root uid without capabilities (U1, U3), so root in a
 * container is not a path Berth relies on closing; remapping is defence in depth that also
 * changes volume ownership, an operator's choice per fleet.
 *
 * Log rotation and ulimits are not node requirements here: Engine 20.10's service API
 * expresses both (TaskTemplate.LogDriver, ContainerSpec.Ulimits), so the service spec sets them.
 */
export interface NodePosture {
  noNewPrivileges: boolean;
  usernsRemap: boolean;
  ok: boolean;
  problems: string[];
  /** ISO time of the check. */
  checkedAt: string;
}

/** What a check of one node found; evaluatePosture turns it into problems in words. */
export interface PostureFacts {
  /** Berth has an engine endpoint for the node. */
  endpoint: boolean;
  /** The node's own engine answered `docker info`. */
  reachable: boolean;
  /** `NoNewPrivs` of the probe: true for 1, false for 0, null when the probe could not run. */
  noNewPrivs: boolean | null;
  probeError?: string;
  /**
   * The node's `SwapTotal` in bytes, read by the probe; null when the probe ran but could not
   * read it; absent when not asked (the single engine, where every container's own
   * `MemorySwap = Memory` caps swap, R1).
   */
  swapTotalBytes?: number | null;
  securityOptions: string[];
  memoryLimit: boolean;
  pidsLimit: boolean;
  cpuLimit: boolean;
}

export interface PostureRules {
  requireUsernsRemap: boolean;
}

export function postureRules(env: Readonly<Record<string, string | undefined>> = process.env): PostureRules {
  return { requireUsernsRemap: env.BERTH_REQUIRE_USERNS_REMAP === "true" };
}

/** Parses `docker info`'s SecurityOptions ("name=seccomp,profile=default", "name=userns", …). */
export function securityOptionNames(options: readonly string[]): Map<string, Record<string, string>> {
  const named = new Map<string, Record<string, string>>();
  for (const option of options) {
    const fields: Record<string, string> = {};
    for (const part of option.split(",")) {
      const [key, ...value] = part.split("=");
      if (key) fields[key.trim()] = value.join("=").trim();
    }
    if (fields.name) named.set(fields.name, fields);
  }
  return named;
}

export function evaluatePosture(facts: PostureFacts, rules: PostureRules, now = new Date()): NodePosture {
  const problems: string[] = [];
  const options = securityOptionNames(facts.securityOptions);
  const usernsRemap = options.has("userns");
  if (!facts.endpoint) {
    problems.push("Berth has no engine endpoint for this node (BERTH_SWARM_NODES), so it cannot verify the containers that would run there.");
  } else if (!facts.reachable) {
    problems.push("Its engine does not answer, so Berth cannot check it or verify the containers that would run there.");
  } else {
    if (facts.noNewPrivs === false) {
      problems.push(
        "Its daemon does not default to no-new-privileges, so a setuid program in a tenant's task could gain privileges (start dockerd with --no-new-privileges).",
      );
    } else if (facts.noNewPrivs === null) {
      problems.push(`Berth could not run its probe there to check no-new-privileges${facts.probeError ? ` (${facts.probeError})` : ""}.`);
    }
    // A probe that could not run said so above; swap is then unknown for the same reason.
    if (facts.noNewPrivs !== null && facts.swapTotalBytes !== undefined) {
      if (facts.swapTotalBytes === null) {
        problems.push("Berth could not read whether it has swap (no SwapTotal in the probe's /proc/meminfo).");
      } else if (facts.swapTotalBytes > 0) {
        problems.push(
          `It has swap (${formatMiB(facts.swapTotalBytes)}): a Swarm service cannot cap a task's swap at its memory limit on this engine (API 1.41), so a tenant's task could use swap beyond its limit (turn swap off: swapoff -a, and drop it from /etc/fstab).`,
        );
      }
    }
    const seccomp = options.get("seccomp");
    if (!seccomp) problems.push("Its daemon runs containers without seccomp.");
    else if (seccomp.profile === "unconfined") problems.push("Its daemon's default seccomp profile is unconfined.");
    if (!facts.memoryLimit) problems.push("Its kernel cannot enforce memory limits.");
    if (!facts.pidsLimit) problems.push("Its kernel cannot enforce PIDs limits.");
    if (!facts.cpuLimit) problems.push("Its kernel cannot enforce CPU limits.");
    if (rules.requireUsernsRemap && !usernsRemap) {
      problems.push("Its daemon does not remap user namespaces (dockerd --userns-remap), which this installation requires.");
    }
  }
  return {
    noNewPrivileges: facts.noNewPrivs === true,
    usernsRemap,
    ok: problems.length === 0,
    problems,
    checkedAt: now.toISOString(),
  };
}

function formatMiB(bytes: number): string {
  return `${Math.max(1, Math.round(bytes / 2 ** 20))} MiB`;
}

/** What the probe printed (its /proc/self/status, then /proc/meminfo) as facts; null where a line is missing. */
export function parseProbeOutput(output: string): { noNewPrivs: boolean | null; swapTotalBytes: number | null } {
  const nnp = /^NoNewPrivs:\s*([01])\s*$/m.exec(output);
  const swap = /^SwapTotal:\s*(\d+)\s*kB\s*$/m.exec(output);
  return { noNewPrivs: nnp ? nnp[1] === "1" : null, swapTotalBytes: swap ? Number(swap[1]) * 1024 : null };
}

const PROBE_TIMEOUT_MS = 15_000;
const INFO_TIMEOUT_MS = 5000;

/**
 * Runs a tiny hardened container on one engine, as a non-root uid with every capability
 * dropped and WITHOUT asking for no-new-privileges itself, and reads the NoNewPrivs flag its
 * process got (1 only when the daemon's default supplies it) and the node's SwapTotal
 * (/proc/meminfo in a container is the host's). The container is always removed.
 */
export async function probeNode(engine: Docker, image: string): Promise<{ noNewPrivs: boolean; swapTotalBytes: number | null }> {
  const container = await engine.createContainer({
    Image: image,
    Cmd: ["cat", "/proc/self/status", "/proc/meminfo"],
    User: "65534:65534",
    // A terminal gives the output raw, without the log stream's frame headers.
    Tty: true,
    NetworkDisabled: true,
    Labels: { [LABEL.role]: "posture-probe", ...testLabels() },
    HostConfig: {
      CapDrop: ["ALL"],
      ReadonlyRootfs: true,
      NetworkMode: "none",
      Memory: 16 * 2 ** 20,
      MemorySwap: 16 * 2 ** 20,
      PidsLimit: 8,
      LogConfig: { Type: "json-file", Config: { "max-size": "64k", "max-file": "1" } },
    },
  });
  try {
    await container.start();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the probe did not finish in time")), PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([container.wait(), timeout]);
    } finally {
      clearTimeout(timer);
    }
    const output = (await container.logs({ stdout: true, stderr: true, follow: false })).toString("utf8");
    const { noNewPrivs, swapTotalBytes } = parseProbeOutput(output);
    if (noNewPrivs === null) throw new Error("the probe's output had no NoNewPrivs line");
    return { noNewPrivs, swapTotalBytes };
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/** `docker info` and the probe of one engine, as facts. */
export async function postureFacts(engine: Docker | null, image: string, options: { probe: boolean }): Promise<PostureFacts> {
  const facts: PostureFacts = {
    endpoint: engine !== null,
    reachable: false,
    noNewPrivs: null,
    securityOptions: [],
    memoryLimit: false,
    pidsLimit: false,
    cpuLimit: false,
  };
  if (!engine) return facts;
  let info: { SecurityOptions?: string[]; MemoryLimit?: boolean; PidsLimit?: boolean; CpuCfsQuota?: boolean };
  // A real node that is down may not even refuse the connection: give it a few seconds.
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("no answer")), INFO_TIMEOUT_MS);
    });
    info = (await Promise.race([engine.info(), timeout])) as typeof info;
  } catch {
    return facts;
  } finally {
    clearTimeout(timer);
  }
  facts.reachable = true;
  facts.securityOptions = info.SecurityOptions ?? [];
  facts.memoryLimit = info.MemoryLimit === true;
  facts.pidsLimit = info.PidsLimit === true;
  facts.cpuLimit = info.CpuCfsQuota === true;
  if (!options.probe) return facts;
  try {
    ({ noNewPrivs: facts.noNewPrivs, swapTotalBytes: facts.swapTotalBytes } = await probeNode(engine, image));
  } catch (error) {
    facts.probeError = probeWords(error);
  }
  return facts;
}

function probeWords(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/no such image/i.test(message)) return "its image is not on the node";
  if (/did not finish in time|no NoNewPrivs/.test(message)) return message.replace(/^the probe /, "it ");
  console.error(`[nodes] posture probe failed: ${message}`);
  return "the engine refused it";
}
