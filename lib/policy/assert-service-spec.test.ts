import { describe, expect, test } from "vitest";
import { assertServiceSpec } from "./assert-service-spec";
import type { ControlId } from "./violation";
import { at, type Json } from "./__fixtures__/built";
import { sampleScope } from "./__fixtures__/sample";
import { builtSpec, SAMPLE_NODE as NODE } from "./__fixtures__/swarm";

const spec = (): Json => JSON.parse(JSON.stringify(builtSpec())) as Json;
const task = (s: Json): Json => at(s, "TaskTemplate");
const cs = (s: Json): Json => at(s, "TaskTemplate", "ContainerSpec");
const controls = (s: unknown, volumeNodeId: string | undefined = NODE) =>
  new Set(assertServiceSpec(s, sampleScope(), { volumeNodeId }).map((v) => v.control));

/** Each row breaks one control in the constructor's spec, including known service-API bypasses. */
const BYPASSES: [string, ControlId | "INPUT", (s: Json) => void][] = [
  ["User root", "U1", (s) => void (cs(s).User = "0")],
  ["User by name", "U1", (s) => void (cs(s).User = "root")],
  ["supplementary groups", "U2", (s) => void (cs(s).Groups = ["0"])],
  ["CapabilityAdd SYS_ADMIN", "U3", (s) => void (cs(s).CapabilityAdd = ["CAP_SYS_ADMIN"])],
  ["CapabilityDrop emptied", "U3", (s) => void (cs(s).CapabilityDrop = [])],
  ["Privileges with SELinux disabled", "U6", (s) => void (cs(s).Privileges = { SELinuxContext: { Disable: true } })],
  ["no eligibility constraint (node without no-new-privileges)", "U4", (s) => void (at(task(s), "Placement").Constraints = [])],
  [
    "an extra constraint",
    "U4",
    (s) => void (at(task(s), "Placement").Constraints = ["node.labels.berth.eligible==true", `node.id==${NODE}`, "node.role==manager"]),
  ],
  ["Sysctls beyond the unprivileged port", "U7", (s) => void (cs(s).Sysctls = { "kernel.shm_rmid_forced": "1" })],
  ["a bind mount", "H1", (s) => void (cs(s).Mounts = [{ Type: "bind", Source: "/", Target: "/host", ReadOnly: false }])],
  ["the engine socket", "H7", (s) => void (cs(s).Mounts = [{ Type: "bind", Source: "/var/run/docker.sock", Target: "/s", ReadOnly: false }])],
  ["a secret (a file from the manager)", "H1", (s) => void (cs(s).Secrets = [{ SecretName: "x" }])],
  ["another tenant's volume", "H2", (s) => void (at(cs(s), "Mounts", 0).Source = "berth-other-data")],
  [
    "volume driver options",
    "H2",
    (s) => void (at(cs(s), "Mounts", 0).VolumeOptions = { DriverConfig: { Name: "local", Options: { o: "bind", device: "/" } } }),
  ],
  ["a volume not pinned to its node", "H2", (s) => void (at(task(s), "Placement").Constraints = ["node.labels.berth.eligible==true"])],
  ["a mount on /proc", "H3", (s) => void (at(cs(s), "Mounts", 0).Target = "/proc")],
  [
    "a generic resource (device) reservation",
    "H6",
    (s) => void (at(task(s), "Resources").Reservations = { GenericResources: [{ DiscreteResourceSpec: { Kind: "gpu", Value: 1 } }] }),
  ],
  ["a plugin runtime", "H8", (s) => void (task(s).Runtime = "plugin")],
  ["Isolation hyperv", "H8", (s) => void (cs(s).Isolation = "hyperv")],
  ["no memory limit", "R1", (s) => void delete at(task(s), "Resources", "Limits").MemoryBytes],
  ["memory above the maximum", "R1", (s) => void (at(task(s), "Resources", "Limits").MemoryBytes = 8 * 2 ** 30)],
  ["global mode (a task per node)", "R1", (s) => void (s.Mode = { Global: {} })],
  ["two replicas", "R1", (s) => void (s.Mode = { Replicated: { Replicas: 2 } })],
  ["no CPU limit", "R2", (s) => void (at(task(s), "Resources", "Limits").NanoCPUs = 0)],
  ["no PIDs limit", "R3", (s) => void (at(task(s), "Resources", "Limits").Pids = 0)],
  ["no init", "R3", (s) => void (cs(s).Init = false)],
  ["no nofile ulimit", "R4", (s) => void (cs(s).Ulimits = [])],
  ["an unbounded log driver", "R5", (s) => void (task(s).LogDriver = { Name: "json-file", Options: {} })],
  ["the syslog driver", "R5", (s) => void (at(task(s), "LogDriver").Name = "syslog")],
  ["restart condition any", "R6", (s) => void (at(task(s), "RestartPolicy").Condition = "any")],
  ["on-failure forever", "R6", (s) => void (at(task(s), "RestartPolicy").MaxAttempts = 0)],
  ["no restart policy (Swarm's default is any)", "R6", (s) => void delete task(s).RestartPolicy],
  ["a writable root filesystem", "R7", (s) => void (cs(s).ReadOnly = false)],
  ["no /tmp tmpfs", "R7", (s) => void (cs(s).Mounts = [at(cs(s), "Mounts", 0)])],
  ["an unbounded tmpfs", "R7", (s) => void (at(cs(s), "Mounts", 1).TmpfsOptions = { Mode: 1023 })],
  ["healthcheck removed", "R8", (s) => void delete cs(s).Healthcheck],
  ["another tenant's overlay", "N1", (s) => void (at(task(s), "Networks", 0).Target = "berth-other")],
  ["a second network", "N1", (s) => void (task(s).Networks = [{ Target: "berth-acme" }, { Target: "ingress" }])],
  ["extra hosts", "N1", (s) => void (cs(s).Hosts = ["10.0.0.1 portal"])],
  ["DNS config", "N1", (s) => void (cs(s).DNSConfig = { Nameservers: ["10.0.0.1"] })],
  [
    "a port through the routing mesh",
    "N2",
    (s) => void (s.EndpointSpec = { Mode: "dnsrr", Ports: [{ TargetPort: 80, PublishedPort: 80, PublishMode: "ingress" }] }),
  ],
  ["a host-mode port", "N2", (s) => void (s.EndpointSpec = { Mode: "dnsrr", Ports: [{ TargetPort: 80, PublishedPort: 80, PublishMode: "host" }] })],
  ["a virtual IP (no IPVS here)", "N2", (s) => void (s.EndpointSpec = { Mode: "vip" })],
  ["foreign ownership label", "O1", (s) => void (at(cs(s), "Labels")["berth.tenant"] = "t2")],
  ["service label of another tenant", "O1", (s) => void (at(s, "Labels")["berth.tenant"] = "t2")],
  ["an image outside the catalog", "O2", (s) => void (cs(s).Image = "evil/miner:latest")],
  ["an entrypoint override", "O2", (s) => void (cs(s).Command = ["/bin/sh"])],
  ["another tenant's name", "O3", (s) => void (s.Name = "berth-other_web")],
  ["a case-folded duplicate (Go decodes it as User)", "U1", (s) => void (cs(s).user = "0")],
  ["a long-s spelling of Secrets (Go folds it)", "H1", (s) => void (cs(s)["\u017fecrets"] = [{ SecretName: "x" }])],
  ["an unknown TaskTemplate field", "INPUT", (s) => void (task(s).Unknown = 1)],
  [
    "a getter that could send something else than was checked",
    "INPUT",
    (s) => void Object.defineProperty(cs(s), "User", { get: () => "10001:10001", enumerable: true }),
  ],
];

describe("assertServiceSpec", () => {
  test.each(BYPASSES)("refuses %s", (_, control, change) => {
    const s = spec();
    change(s);
    expect([...controls(s)]).toContain(control);
  });

  test("the constructor's spec has none of those violations", () => {
    expect([...controls(spec())]).toEqual([]);
  });

  test("inspect mode accepts the manager's defaults but still refuses their dangerous values", () => {
    const s = spec();
    s.UpdateConfig = { Parallelism: 1, FailureAction: "pause", Monitor: 5e9, MaxFailureRatio: 0, Order: "stop-first" };
    task(s).Runtime = "container";
    task(s).ForceUpdate = 0;
    cs(s).Isolation = "default";
    Object.assign(at(task(s), "RestartPolicy"), { Delay: 5e9 });
    at(task(s), "Networks", 0).Target = "netid123";
    const scope = sampleScope({ networkIds: ["netid123"] });
    expect(assertServiceSpec(s, scope, { volumeNodeId: NODE }, "inspect")).toEqual([]);
    expect(assertServiceSpec(s, scope, { volumeNodeId: NODE }, "create").map((v) => v.path)).toContain("UpdateConfig");
    task(s).Runtime = "plugin";
    expect(assertServiceSpec(s, scope, { volumeNodeId: NODE }, "inspect").map((v) => v.control)).toContain("H8");
  });
});
