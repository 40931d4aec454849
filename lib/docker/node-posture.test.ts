import { describe, expect, it } from "vitest";
import { evaluatePosture, parseProbeOutput, postureRules, securityOptionNames, type PostureFacts } from "@/lib/docker/node-posture";

const healthy: PostureFacts = {
  endpoint: true,
  reachable: true,
  noNewPrivs: true,
  swapTotalBytes: 0,
  securityOptions: ["name=seccomp,profile=default"],
  memoryLimit: true,
  pidsLimit: true,
  cpuLimit: true,
};
const rules = { requireUsernsRemap: false };
const at = new Date("2026-11-30T01:00:00Z");

describe("evaluatePosture", () => {
  it("a node with every default is ok", () => {
    expect(evaluatePosture(healthy, rules, at)).toEqual({
      noNewPrivileges: true,
      usernsRemap: false,
      ok: true,
      problems: [],
      checkedAt: "2026-11-30T01:00:00.000Z",
    });
  });

  it.each<[string, Partial<PostureFacts>, RegExp]>([
    ["no endpoint", { endpoint: false }, /no engine endpoint for this node/],
    ["an engine that does not answer", { reachable: false }, /engine does not answer/],
    ["a daemon without the no-new-privileges default", { noNewPrivs: false }, /does not default to no-new-privileges/],
    [
      "a probe that could not run",
      { noNewPrivs: null, probeError: "its image is not on the node" },
      /could not run its probe .*its image is not on the node/,
    ],
    ["no seccomp", { securityOptions: [] }, /without seccomp/],
    ["an unconfined seccomp default", { securityOptions: ["name=seccomp,profile=unconfined"] }, /seccomp profile is unconfined/],
    ["no memory limits", { memoryLimit: false }, /memory limits/],
    ["no PIDs limits", { pidsLimit: false }, /PIDs limits/],
    ["no CPU limits", { cpuLimit: false }, /CPU limits/],
    [
      "swap on the node (R1: a service cannot cap a task's swap on API 1.41)",
      { swapTotalBytes: 2 * 2 ** 30 },
      /has swap \(2048 MiB\).*swap beyond its limit/,
    ],
    ["a probe that could not read SwapTotal", { swapTotalBytes: null }, /could not read whether it has swap/],
  ])("%s is not ok, and says why", (_, change, problem) => {
    const posture = evaluatePosture({ ...healthy, ...change }, rules, at);
    expect(posture.ok).toBe(false);
    expect(posture.problems).toEqual([expect.stringMatching(problem)]);
  });

  it("no-new-privileges is reported true only when the probe read NoNewPrivs 1", () => {
    expect(evaluatePosture({ ...healthy, noNewPrivs: false }, rules, at).noNewPrivileges).toBe(false);
    expect(evaluatePosture({ ...healthy, noNewPrivs: null }, rules, at).noNewPrivileges).toBe(false);
    // An unreachable engine says nothing else: one problem, not a list of consequences.
    expect(evaluatePosture({ ...healthy, reachable: false, noNewPrivs: null }, rules, at).problems).toHaveLength(1);
  });

  it("swap is checked only where the probe ran: not on the single engine, not twice when the probe failed", () => {
    // One engine: each container's own MemorySwap = Memory caps swap (R1), so the host's swap is no problem.
    expect(evaluatePosture({ ...healthy, swapTotalBytes: undefined }, rules, at).ok).toBe(true);
    const failed = evaluatePosture({ ...healthy, noNewPrivs: null, swapTotalBytes: undefined, probeError: "the engine refused it" }, rules, at);
    expect(failed.problems).toEqual([expect.stringMatching(/could not run its probe/)]);
  });

  it("user-namespace remapping is reported, and required only when the operator asks", () => {
    const remapped = { ...healthy, securityOptions: ["name=seccomp,profile=default", "name=userns"] };
    expect(evaluatePosture(remapped, rules, at)).toMatchObject({ usernsRemap: true, ok: true });
    expect(evaluatePosture(healthy, { requireUsernsRemap: true }, at)).toMatchObject({
      usernsRemap: false,
      ok: false,
      problems: [expect.stringMatching(/does not remap user namespaces/)],
    });
    expect(evaluatePosture(remapped, { requireUsernsRemap: true }, at).ok).toBe(true);
  });

  it("reads the rule from BERTH_REQUIRE_USERNS_REMAP", () => {
    expect(postureRules({})).toEqual({ requireUsernsRemap: false });
    expect(postureRules({ BERTH_REQUIRE_USERNS_REMAP: "true" })).toEqual({ requireUsernsRemap: true });
  });
});

describe("parseProbeOutput", () => {
  // The probe's terminal output: /proc/self/status, then /proc/meminfo, with CRLF line ends.
  const output = (nnp: string, swap: string | null) =>
    [
      "Name:\tcat",
      "Uid:\t65534\t65534\t65534\t65534",
      `NoNewPrivs:\t${nnp}`,
      "Seccomp:\t2",
      "MemTotal:        8127476 kB",
      ...(swap === null ? [] : [`SwapTotal:      ${swap} kB`]),
      "SwapFree:              0 kB",
      "",
    ].join("\r\n");

  it("reads NoNewPrivs and SwapTotal in bytes", () => {
    expect(parseProbeOutput(output("1", "0"))).toEqual({ noNewPrivs: true, swapTotalBytes: 0 });
    expect(parseProbeOutput(output("0", "1048572"))).toEqual({ noNewPrivs: false, swapTotalBytes: 1048572 * 1024 });
  });

  it("a missing line is null, never a pass", () => {
    expect(parseProbeOutput(output("1", null))).toEqual({ noNewPrivs: true, swapTotalBytes: null });
    expect(parseProbeOutput("garbage")).toEqual({ noNewPrivs: null, swapTotalBytes: null });
  });
});

describe("securityOptionNames", () => {
  it("parses docker info's SecurityOptions", () => {
    const named = securityOptionNames(["name=seccomp,profile=default", "name=userns", "name=cgroupns"]);
    expect(named.get("seccomp")).toEqual({ name: "seccomp", profile: "default" });
    expect(named.has("userns")).toBe(true);
    expect(named.has("apparmor")).toBe(false);
  });
});
