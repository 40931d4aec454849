import { describe, expect, test } from "vitest";
import { assertServiceSpec } from "./assert-service-spec";
import { parseNoNewPrivs, verifyTaskContainer, type NoNewPrivsProbe } from "./verify-task-container";
import type { ControlId } from "./violation";
import { at, type Json } from "./__fixtures__/built";
import { serviceInspect, swarmScope, taskInspect } from "./__fixtures__/swarm";

const hc = (i: Json): Json => at(i, "HostConfig");
const cfg = (i: Json): Json => at(i, "Config");
const ON: NoNewPrivsProbe = { noNewPrivs: 1 };
const controls = (i: unknown, probe = ON) => new Set(verifyTaskContainer(i, swarmScope(), probe).map((v) => v.control));

describe("the real Swarm fixtures (a task of buildServiceSpec's spec on a local 2-node Swarm)", () => {
  test("the live service spec passes the manager half of the verifier", () => {
    expect(assertServiceSpec(serviceInspect().Spec, swarmScope(), {}, "inspect")).toEqual([]);
  });
  test("the task's container passes the node half with the probe's NoNewPrivs: 1", () => {
    expect(verifyTaskContainer(taskInspect(), swarmScope(), ON)).toEqual([]);
  });
  test("the probe is the only evidence of no-new-privileges: 0 or unreadable fails U4", () => {
    expect([...controls(taskInspect(), { noNewPrivs: 0 })]).toEqual(["U4"]);
    expect([...controls(taskInspect(), { noNewPrivs: undefined })]).toEqual(["U4"]);
  });
  test("parseNoNewPrivs reads the status line", () => {
    expect(parseNoNewPrivs("Name:\tsh\nNoNewPrivs:\t1\nSeccomp:\t2\n")).toBe(1);
    expect(parseNoNewPrivs("NoNewPrivs:\t0\n")).toBe(0);
    expect(parseNoNewPrivs("Name:\tsh\n")).toBeUndefined();
  });
});

/** Changes made behind Berth's back (docker service update / docker update on the node). */
const SERVICE_CHANGES: [string, ControlId, (spec: Json) => void][] = [
  ["service update --user 0", "U1", (s) => void (at(s, "TaskTemplate", "ContainerSpec").User = "0")],
  ["--cap-add SYS_ADMIN", "U3", (s) => void (at(s, "TaskTemplate", "ContainerSpec").CapabilityAdd = ["CAP_SYS_ADMIN"])],
  ["--constraint-rm eligible", "U4", (s) => void (at(s, "TaskTemplate", "Placement").Constraints = [])],
  ["--mount-add bind /", "H1", (s) => void (at(s, "TaskTemplate", "ContainerSpec").Mounts = [{ Type: "bind", Source: "/", Target: "/h" }])],
  ["--limit-memory 0", "R1", (s) => void (at(s, "TaskTemplate", "Resources", "Limits").MemoryBytes = 0)],
  ["--replicas 3", "R1", (s) => void (at(s, "Mode", "Replicated").Replicas = 3)],
  ["--restart-condition any", "R6", (s) => void (at(s, "TaskTemplate", "RestartPolicy").Condition = "any")],
  ["--read-only=false", "R7", (s) => void (at(s, "TaskTemplate", "ContainerSpec").ReadOnly = false)],
  ["--network-add other", "N1", (s) => void (at(s, "TaskTemplate").Networks = [{ Target: "yrfjfw5vsoaup9jgbejwyb2z6" }, { Target: "otherid" }])],
  [
    "--publish 80:80",
    "N2",
    (s) => void (s.EndpointSpec = { Mode: "vip", Ports: [{ Protocol: "tcp", TargetPort: 80, PublishedPort: 80, PublishMode: "ingress" }] }),
  ],
  ["--image alpine", "O2", (s) => void (at(s, "TaskTemplate", "ContainerSpec").Image = "alpine:latest")],
  ["--dns 8.8.8.8", "N1", (s) => void (at(s, "TaskTemplate", "ContainerSpec").DNSConfig = { Nameservers: ["8.8.8.8"] })],
];

const TASK_CHANGES: [string, ControlId, (i: Json) => void][] = [
  ["docker update --memory-swap -1", "R1", (i) => void (hc(i).MemorySwap = -1)],
  ["docker update --pids-limit -1", "R3", (i) => void (hc(i).PidsLimit = -1)],
  ["docker update --cpus 0", "R2", (i) => void (hc(i).NanoCpus = 0)],
  ["a privileged task", "U5", (i) => void (hc(i).Privileged = true)],
  ["seccomp unconfined", "U6", (i) => void (hc(i).SecurityOpt = ["seccomp=unconfined"])],
  ["no-new-privileges turned off explicitly", "U4", (i) => void (hc(i).SecurityOpt = ["no-new-privileges=false"])],
  ["a root user", "U1", (i) => void (cfg(i).User = "0")],
  ["an extra capability", "U3", (i) => void (hc(i).CapAdd = ["NET_ADMIN"])],
  ["unmasked /proc", "U6", (i) => void (hc(i).MaskedPaths = [])],
  ["a bind mount", "H1", (i) => void (hc(i).Binds = ["/var/run/docker.sock:/s"])],
  ["the host pid namespace", "H5", (i) => void (hc(i).PidMode = "host")],
  ["a device", "H6", (i) => void (hc(i).Devices = [{ PathOnHost: "/dev/sda" }])],
  ["no /tmp tmpfs", "R7", (i) => void (hc(i).Mounts = [])],
  ["an extra network", "N1", (i) => void (at(i, "NetworkSettings", "Networks").ingress = {})],
  ["a published port", "N2", (i) => void (hc(i).PortBindings = { "80/tcp": [{ HostIp: "", HostPort: "80" }] })],
  ["another tenant's label", "O1", (i) => void (at(cfg(i), "Labels")["berth.tenant"] = "t2")],
  ["another image", "O2", (i) => void (cfg(i).Image = "alpine")],
  ["another tenant's task name", "O3", (i) => void (i.Name = "/berth-other_web.1.qpflaerzw6hsqbjf9mhk10zd2")],
];

describe("the verifier catches out-of-band changes", () => {
  test.each(SERVICE_CHANGES)("on the manager: %s", (_, control, change) => {
    const spec = at(serviceInspect(), "Spec");
    change(spec);
    expect(assertServiceSpec(spec, swarmScope(), {}, "inspect").map((v) => v.control)).toContain(control);
  });
  test.each(TASK_CHANGES)("on the node: %s", (_, control, change) => {
    const i = taskInspect();
    change(i);
    expect([...controls(i)]).toContain(control);
  });
});
