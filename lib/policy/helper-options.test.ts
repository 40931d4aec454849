import { describe, expect, it } from "vitest";
import { buildHelperOptions, verifyHelperInspect } from "./helper-options";

const ctx = {
  tenantId: "t1",
  uid: 20001,
  gid: 20001,
  image: "berth/shell:1",
  volumeName: "berth-acme_site",
  role: "volume-files",
  cmd: ["sh", "-c", "true"],
};
const built = buildHelperOptions({ ...ctx, stdin: true });

/** What `docker inspect` reports for the helper as built (with the daemon's defaults that matter). */
function inspect(hostConfig: Record<string, unknown> = {}, top: Record<string, unknown> = {}, config: Record<string, unknown> = {}) {
  return {
    Config: { User: built.User, Image: built.Image, Labels: built.Labels, Cmd: built.Cmd, Entrypoint: null, ...config },
    HostConfig: { ...built.HostConfig, MaskedPaths: ["/proc/kcore"], ReadonlyPaths: ["/proc/sys"], ...hostConfig },
    Mounts: [{ Type: "volume", Name: ctx.volumeName, Destination: "/volume", Driver: "local", RW: true }],
    NetworkSettings: { Networks: { none: {} } },
    ...top,
  };
}

const controls = (value: unknown) => verifyHelperInspect(value, ctx).map((v) => v.control);

describe("the volume helper's create body and its verifier", () => {
  it("builds a helper as hardened as a workload, without a network", () => {
    expect(built).toMatchObject({
      User: "20001:20001",
      NetworkDisabled: true,
      OpenStdin: true,
      StdinOnce: true,
      HostConfig: {
        NetworkMode: "none",
        CapDrop: ["ALL"],
        CapAdd: [],
        SecurityOpt: ["no-new-privileges:true"],
        ReadonlyRootfs: true,
        Privileged: false,
        Init: true,
        Mounts: [{ Type: "volume", Source: "berth-acme_site", Target: "/volume", ReadOnly: false, VolumeOptions: { NoCopy: true } }],
      },
    });
    expect(buildHelperOptions({ ...ctx, stdin: false }).HostConfig.Mounts[0].ReadOnly).toBe(true);
    expect(verifyHelperInspect(inspect(), ctx)).toEqual([]);
  });

  it.each([
    ["a capability", { CapAdd: ["CHOWN"] }, "U3"],
    ["privileged", { Privileged: true }, "U5"],
    ["a network", { NetworkMode: "bridge" }, "N1"],
    ["a writable root", { ReadonlyRootfs: false }, "R7"],
    ["a bind mount", { Binds: ["/:/host"] }, "H1"],
    ["no memory limit", { Memory: 0 }, "R1"],
    ["no PIDs limit", { PidsLimit: 0 }, "R3"],
    ["the host's PID namespace", { PidMode: "host" }, "H5"],
    ["a published port", { PortBindings: { "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "80" }] } }, "N2"],
  ])("refuses %s", (_what, hostConfig, control) => {
    expect(controls(inspect(hostConfig))).toContain(control);
  });

  it("refuses root, another image, another command, another tenant's volume and a joined network", () => {
    expect(controls(inspect({}, {}, { User: "0:0" }))).toContain("U1");
    expect(controls(inspect({}, {}, { Image: "busybox" }))).toContain("O2");
    expect(controls(inspect({}, {}, { Cmd: ["sh", "-c", "rm -rf /volume"] }))).toContain("INPUT");
    expect(controls(inspect({}, {}, { Labels: { ...built.Labels, "berth.tenant": "t2" } }))).toContain("O1");
    expect(controls(inspect({}, { Mounts: [{ Type: "volume", Name: "berth-other_site", Destination: "/volume", Driver: "local" }] }))).toContain(
      "H2",
    );
    expect(controls(inspect({}, { NetworkSettings: { Networks: { bridge: {} } } }))).toContain("N1");
    expect(controls("not an object")).toEqual(["INPUT"]);
  });
});
