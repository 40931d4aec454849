import { describe, expect, test } from "vitest";
import { assertCreateOptions } from "./assert-create-options";
import { assertExecOptions, buildExecOptions, verifyExecInspect } from "./exec-options";
import { verifyInspect } from "./verify-inspect";
import { CONTROL_IDS, type ControlId, type Violation } from "./violation";
import { at, hardenedCreate, hardenedInspect, type Json } from "./__fixtures__/built";
import { sampleContext, sampleScope } from "./__fixtures__/sample";
import execInspectFixture from "./__fixtures__/exec-inspect-console.json";

interface ControlCase {
  /** Breaks the control in the constructor's create body. */
  create: (o: Json) => void;
  /** Breaks the control in a real `docker inspect` of a hardened container. */
  inspect: (i: Json) => void;
}

const hc = (o: Json): Json => at(o, "HostConfig");
const cfg = (i: Json): Json => at(i, "Config");

const CASES: Record<Exclude<ControlId, "O4">, ControlCase> = {
  U1: {
    create: (o) => {
      o.User = "0:0";
    },
    inspect: (i) => {
      cfg(i).User = "root";
    },
  },
  U2: {
    create: (o) => {
      hc(o).GroupAdd = ["0"];
    },
    inspect: (i) => {
      hc(i).GroupAdd = ["docker"];
    },
  },
  U3: {
    create: (o) => {
      hc(o).CapAdd = ["SYS_ADMIN"];
    },
    inspect: (i) => {
      hc(i).CapAdd = ["CAP_SYS_ADMIN"];
    },
  },
  U4: {
    create: (o) => {
      hc(o).SecurityOpt = [];
    },
    inspect: (i) => {
      hc(i).SecurityOpt = ["no-new-privileges:false"];
    },
  },
  U5: {
    create: (o) => {
      hc(o).Privileged = true;
    },
    inspect: (i) => {
      hc(i).Privileged = true;
    },
  },
  U6: {
    create: (o) => {
      hc(o).SecurityOpt = ["no-new-privileges:true", "seccomp=unconfined"];
    },
    inspect: (i) => {
      hc(i).MaskedPaths = [];
    },
  },
  U7: {
    create: (o) => {
      hc(o).Sysctls = { "kernel.shm_rmid_forced": "1" };
    },
    inspect: (i) => {
      hc(i).Sysctls = { "net.ipv4.ip_forward": "1" };
    },
  },
  H1: {
    create: (o) => {
      at(o, "HostConfig", "Mounts", 0).Type = "bind";
      at(o, "HostConfig", "Mounts", 0).Source = "/etc";
    },
    inspect: (i) => {
      (i.Mounts as unknown[]).push({ Type: "bind", Source: "/etc", Destination: "/host-etc", RW: true });
    },
  },
  H2: {
    create: (o) => {
      at(o, "HostConfig", "Mounts", 0).Source = "berth-other-data";
    },
    inspect: (i) => {
      at(i, "Mounts", 0).Name = "berth-other-data";
    },
  },
  H3: {
    create: (o) => {
      at(o, "HostConfig", "Mounts", 0).Target = "/proc/sys";
    },
    inspect: (i) => {
      at(i, "Mounts", 0).Destination = "/sys/fs/cgroup";
    },
  },
  H4: {
    create: (o) => {
      at(o, "HostConfig", "Mounts", 0).BindOptions = { Propagation: "rshared" };
    },
    inspect: (i) => {
      at(i, "HostConfig", "Mounts", 0).BindOptions = { Propagation: "rshared" };
    },
  },
  H5: {
    create: (o) => {
      hc(o).PidMode = "host";
    },
    inspect: (i) => {
      hc(i).UsernsMode = "host";
    },
  },
  H6: {
    create: (o) => {
      hc(o).Devices = [{ PathOnHost: "/dev/kmsg", PathInContainer: "/dev/kmsg", CgroupPermissions: "rwm" }];
    },
    inspect: (i) => {
      hc(i).DeviceRequests = [{ Driver: "nvidia", Count: -1 }];
    },
  },
  H7: {
    create: (o) => {
      hc(o).Binds = ["/var/run/docker.sock:/var/run/docker.sock"];
    },
    inspect: (i) => {
      (i.Mounts as unknown[]).push({ Type: "bind", Source: "/run/docker.sock", Destination: "/var/run/docker.sock", RW: true });
    },
  },
  H8: {
    create: (o) => {
      hc(o).Runtime = "sneaky";
    },
    inspect: (i) => {
      hc(i).Runtime = "sneaky";
    },
  },
  R1: {
    create: (o) => {
      delete hc(o).Memory;
    },
    inspect: (i) => {
      hc(i).MemorySwap = -1;
    },
  },
  R2: {
    create: (o) => {
      delete hc(o).NanoCpus;
    },
    inspect: (i) => {
      hc(i).NanoCpus = 0;
    },
  },
  R3: {
    create: (o) => {
      hc(o).PidsLimit = -1;
    },
    inspect: (i) => {
      hc(i).Init = false;
    },
  },
  R4: {
    create: (o) => {
      hc(o).Ulimits = [];
    },
    inspect: (i) => {
      hc(i).Ulimits = [];
    },
  },
  R5: {
    create: (o) => {
      at(o, "HostConfig", "LogConfig").Config = {};
    },
    inspect: (i) => {
      at(i, "HostConfig", "LogConfig").Type = "none";
    },
  },
  R6: {
    create: (o) => {
      hc(o).RestartPolicy = { Name: "always" };
    },
    inspect: (i) => {
      hc(i).RestartPolicy = { Name: "on-failure", MaximumRetryCount: 0 };
    },
  },
  R7: {
    create: (o) => {
      hc(o).ReadonlyRootfs = false;
    },
    inspect: (i) => {
      hc(i).Tmpfs = { "/tmp": "rw,exec,size=64m,uid=10001,gid=10001" };
    },
  },
  R8: {
    create: (o) => {
      at(o, "Healthcheck").Test = ["NONE"];
    },
    inspect: (i) => {
      delete cfg(i).Healthcheck;
    },
  },
  N1: {
    create: (o) => {
      hc(o).NetworkMode = "bridge";
    },
    inspect: (i) => {
      at(i, "NetworkSettings", "Networks").bridge = {};
    },
  },
  N2: {
    create: (o) => {
      at(o, "HostConfig", "PortBindings", "8080/tcp", 0).HostIp = "0.0.0.0";
    },
    inspect: (i) => {
      hc(i).PublishAllPorts = true;
    },
  },
  O1: {
    create: (o) => {
      at(o, "Labels")["berth.tenant"] = "t2";
    },
    inspect: (i) => {
      at(i, "Config", "Labels")["berth.managed"] = "false";
    },
  },
  O2: {
    create: (o) => {
      o.Image = "evil.example.com/miner:latest";
    },
    inspect: (i) => {
      cfg(i).Image = "alpine:latest";
    },
  },
  O3: {
    create: (o) => {
      o.name = "berth-other-web";
    },
    inspect: (i) => {
      i.Name = "/berth-other-web";
    },
  },
};

const controlsOf = (vs: Violation[]) => new Set(vs.map((v) => v.control));

describe("the hardened baseline", () => {
  test("constructor output passes the assertion", () => {
    expect(assertCreateOptions(hardenedCreate(), sampleScope())).toEqual([]);
  });
  test("a real container created from it passes the verifier", () => {
    expect(verifyInspect(hardenedInspect(), sampleScope())).toEqual([]);
  });
  test("every control id has a case", () => {
    expect([...Object.keys(CASES), "O4"].sort()).toEqual([...CONTROL_IDS].sort());
  });
});

describe.each(Object.entries(CASES))("control %s", (control, c) => {
  test("is satisfied by the constructor's output", () => {
    expect(controlsOf(assertCreateOptions(hardenedCreate(), sampleScope())).has(control as ControlId)).toBe(false);
  });
  test("a create body violating it is caught by the assertion", () => {
    const o = hardenedCreate();
    c.create(o);
    expect([...controlsOf(assertCreateOptions(o, sampleScope()))]).toContain(control);
  });
  test("an inspect result violating it is caught by the verifier", () => {
    const i = hardenedInspect();
    c.inspect(i);
    expect([...controlsOf(verifyInspect(i, sampleScope()))]).toContain(control);
  });
});

describe("control O4 (console sessions)", () => {
  const scope = sampleScope();
  test("is satisfied by the exec builder and a real exec", () => {
    expect(assertExecOptions(buildExecOptions(sampleContext(), ["/bin/sh"]), scope)).toEqual([]);
    expect(verifyExecInspect(JSON.parse(JSON.stringify(execInspectFixture)), scope)).toEqual([]);
  });
  test.each([
    ["User root", { User: "0" }],
    ["Privileged", { Privileged: true }],
    ["lower-case privileged", { privileged: true }],
    ["no User (image default)", { User: undefined }],
  ])("an exec body with %s is caught", (_, change) => {
    const o: Json = { ...buildExecOptions(sampleContext(), ["/bin/sh"]), ...change };
    expect([...controlsOf(assertExecOptions(o, scope))]).toContain("O4");
  });
  test.each([
    ["root user", { user: "root" }],
    ["privileged", { privileged: true }],
  ])("an exec inspect with %s is caught", (_, change) => {
    const i = JSON.parse(JSON.stringify(execInspectFixture)) as Json;
    Object.assign(at(i, "ProcessConfig"), change);
    expect([...controlsOf(verifyExecInspect(i, scope))]).toContain("O4");
  });
});
