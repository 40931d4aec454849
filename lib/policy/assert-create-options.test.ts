import { describe, expect, test } from "vitest";
import { assertCreateOptions } from "./assert-create-options";
import { formatViolation, type Violation } from "./violation";
import { at, built, hardenedCreate, parsed, type Json } from "./__fixtures__/built";
import { sampleContext, sampleRequest, sampleScope } from "./__fixtures__/sample";

const check = (o: unknown, scope = sampleScope()): Violation[] => assertCreateOptions(o, scope);
const paths = (vs: Violation[]) => vs.map((v) => v.path);

describe("assertCreateOptions: Go's case-insensitive JSON", () => {
  test.each(["privileged", "PRIVILEGED", "pRiViLeGeD"])("HostConfig.%s is caught", (key) => {
    const o = hardenedCreate();
    at(o, "HostConfig")[key] = true;
    expect(paths(check(o))).toContain(`HostConfig.${key}`);
  });

  test("a lower-case hostconfig alongside HostConfig is caught", () => {
    const o = hardenedCreate();
    o.hostconfig = { Privileged: true };
    expect(check(o).map(formatViolation)).toContain('hostconfig: must be spelled "HostConfig": Docker reads "hostconfig" as that field');
  });

  test("Unicode folds that Go applies (long s, Kelvin sign) are caught", () => {
    const o = hardenedCreate();
    at(o, "HostConfig")["\u017fecurityOpt"] = ["seccomp=unconfined"];
    at(o, "HostConfig")["\u212aernelMemory"] = 1;
    const found = paths(check(o));
    expect(found).toContain("HostConfig.\u017fecurityOpt");
    expect(found).toContain("HostConfig.\u212aernelMemory");
  });

  test("an unknown field set to its zero value is ignored, one set to anything else is not", () => {
    const o = hardenedCreate();
    at(o, "HostConfig").OomScoreAdj = 0;
    at(o, "HostConfig").Dns = [];
    expect(check(o)).toEqual([]);
    at(o, "HostConfig").OomScoreAdj = -1000;
    expect(check(o).map((v) => v.control)).toContain("R1");
  });

  test("MaskedPaths: [] is caught although it is empty (it unmasks /proc)", () => {
    const o = hardenedCreate();
    at(o, "HostConfig").MaskedPaths = [];
    expect(check(o).map((v) => v.control)).toContain("U6");
  });
});

describe("assertCreateOptions: Docker quirks", () => {
  test("host options at the top level (read by the daemon when HostConfig is absent) are caught", () => {
    const o = hardenedCreate();
    delete o.HostConfig;
    o.Privileged = true;
    o.Binds = ["/:/host"];
    const vs = check(o);
    expect(vs.map((v) => v.control)).toEqual(expect.arrayContaining(["U5", "H1", "INPUT"]));
    expect(paths(vs)).toEqual(expect.arrayContaining(["Privileged", "Binds", "HostConfig"]));
  });

  test("top-level Memory merged into HostConfig is caught", () => {
    const o = hardenedCreate();
    o.Memory = 2 ** 40;
    expect(paths(check(o))).toContain("Memory");
  });

  test.each([
    ["bare disable (label=disable)", ["no-new-privileges:true", "disable"], "U6"],
    ["nnp turned off again", ["no-new-privileges:true", "no-new-privileges=false"], "U4"],
    ["apparmor unconfined", ["no-new-privileges", "apparmor=unconfined"], "U6"],
    ["systempaths", ["no-new-privileges=1", "systempaths=unconfined"], "U6"],
  ])("SecurityOpt: %s", (_, opts, control) => {
    const o = hardenedCreate();
    at(o, "HostConfig").SecurityOpt = opts;
    expect(check(o).map((v) => v.control)).toContain(control);
  });

  test("capability spellings Docker accepts are normalised", () => {
    for (const cap of ["cap_sys_admin", "CAP_SYS_ADMIN", "sys_admin", "ALL", "all"]) {
      const o = hardenedCreate();
      at(o, "HostConfig").CapAdd = [cap];
      expect(check(o).map((v) => v.control)).toContain("U3");
    }
    const o = hardenedCreate();
    at(o, "HostConfig").CapAdd = ["cap_net_bind_service"];
    expect(check(o)).toEqual([]);
    expect(check(o, sampleScope({ allowedCapabilities: [] })).map((v) => v.control)).toContain("U3");
  });

  test.each([
    ["empty HostIp (all interfaces)", { HostIp: "", HostPort: "20001" }],
    ["random host port", { HostIp: "127.0.0.1", HostPort: "" }],
    ["port range", { HostIp: "127.0.0.1", HostPort: "20001-20010" }],
    ["privileged host port", { HostIp: "127.0.0.1", HostPort: "22" }],
    ["outside the range", { HostIp: "127.0.0.1", HostPort: "40000" }],
  ])("PortBindings: %s", (_, binding) => {
    const o = hardenedCreate();
    at(o, "HostConfig", "PortBindings")["8080/tcp"] = [binding];
    expect(check(o).map((v) => v.control)).toContain("N2");
  });

  test("on-failure with MaximumRetryCount 0 means forever and is caught", () => {
    const o = hardenedCreate();
    at(o, "HostConfig").RestartPolicy = { Name: "on-failure", MaximumRetryCount: 0 };
    expect(check(o).map((v) => v.control)).toContain("R6");
  });

  test.each([
    ["exec", "rw,exec,nosuid,nodev,size=64m,uid=10001,gid=10001"],
    ["no size", "rw,nosuid,nodev,uid=10001,gid=10001"],
    ["root owner", "rw,nosuid,nodev,size=64m,uid=0,gid=0"],
    ["suid", "rw,suid,nodev,size=64m,uid=10001,gid=10001"],
    ["huge", "rw,nosuid,nodev,size=100g,uid=10001,gid=10001"],
  ])("Tmpfs /tmp with %s is caught", (_, options) => {
    const o = hardenedCreate();
    at(o, "HostConfig").Tmpfs = { "/tmp": options };
    expect(check(o).map((v) => v.control)).toContain("R7");
  });

  test("a tmpfs somewhere else is caught", () => {
    const o = hardenedCreate();
    at(o, "HostConfig").Tmpfs = { "/tmp": "rw,nosuid,nodev,size=64m,uid=10001,gid=10001", "/dev/shm": "rw,exec" };
    expect(check(o).map((v) => v.control)).toContain("R7");
  });

  test("volume driver options are caught (a local volume with o=bind is a host mount)", () => {
    const o = hardenedCreate();
    at(o, "HostConfig", "Mounts", 0).VolumeOptions = { DriverConfig: { Name: "local", Options: { type: "none", o: "bind", device: "/" } } };
    expect(check(o).map((v) => v.control)).toContain("H2");
  });

  test("extra endpoint settings and networks are caught", () => {
    const o = hardenedCreate();
    at(o, "NetworkingConfig", "EndpointsConfig").bridge = {};
    at(o, "NetworkingConfig", "EndpointsConfig", "berth-acme").Links = ["other:db"];
    expect(paths(check(o))).toEqual(
      expect.arrayContaining(['NetworkingConfig.EndpointsConfig["bridge"]', 'NetworkingConfig.EndpointsConfig["berth-acme"].Links']),
    );
  });

  test("objects that would serialise differently are refused", () => {
    const o = hardenedCreate();
    Object.defineProperty(at(o, "HostConfig"), "Privileged", { get: () => true, enumerable: true });
    expect(check(o).length).toBeGreaterThan(0);
    const withToJson: Json = { ...hardenedCreate(), toJSON: () => ({ Image: "x" }) };
    expect(check(withToJson).length).toBeGreaterThan(0);
    const withDate = hardenedCreate();
    withDate.Labels = new Date();
    expect(check(withDate).length).toBeGreaterThan(0);
  });

  test("a writable root passes only where the scope allows it", () => {
    const o = built(parsed({ ...sampleRequest, readOnlyRootfs: false }), sampleContext({ allowWritableRootfs: true }));
    expect(check(o, sampleScope({ allowWritableRootfs: true }))).toEqual([]);
    expect(check(o).map((v) => v.control)).toEqual(["R7"]);
  });

  test("a runtime is allowed only when registered", () => {
    const o = built(parsed(), sampleContext({ runtime: "runsc" }));
    expect(check(o, sampleScope({ allowedRuntimes: ["runsc"] }))).toEqual([]);
    expect(check(o).map((v) => v.control)).toEqual(["H8"]);
  });

  test("non-objects are refused", () => {
    for (const value of [null, [], "x", 1]) expect(check(value).length).toBeGreaterThan(0);
  });
});
