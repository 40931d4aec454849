import { describe, expect, test } from "vitest";
import { buildCreateOptions } from "./build-create-options";
import { parseLaunchRequest, type LaunchRequest } from "./launch-request";
import type { TenantContext } from "./tenant-context";
import { formatViolation } from "./violation";
import { built, parsed } from "./__fixtures__/built";
import { sampleContext, sampleRequest } from "./__fixtures__/sample";

function refusal(req: LaunchRequest, ctx: TenantContext): string[] {
  const result = buildCreateOptions(req, ctx);
  if (result.ok) throw new Error("expected a refusal");
  return result.violations.map(formatViolation);
}

describe("buildCreateOptions", () => {
  test("builds the documented hardened body", () => {
    const o = built();
    expect(o.name).toBe("berth-acme_web");
    expect(o.User).toBe("10001:10001");
    expect(o.Image).toBe("berth-policy-helper:test");
    expect(o.Cmd).toEqual(["/bin/sleep", "600"]);
    expect(o.Env).toEqual(["GREETING=hi"]);
    expect(o.Labels).toEqual({ "berth.managed": "true", "berth.tenant": "t1", "berth.id": "c1", "berth.name": "web", "berth.image": "img1" });
    expect(o.Healthcheck).toEqual({ Test: ["CMD", "/bin/sleep", "0"], Interval: 30e9, Timeout: 5e9, Retries: 3 });
    expect(o.HostConfig).toMatchObject({
      CapDrop: ["ALL"],
      CapAdd: [],
      Privileged: false,
      SecurityOpt: ["no-new-privileges:true"],
      Memory: 128 * 2 ** 20,
      MemorySwap: 128 * 2 ** 20,
      NanoCpus: 500_000_000,
      PidsLimit: 256,
      Init: true,
      ReadonlyRootfs: true,
      Tmpfs: { "/tmp": "rw,nosuid,nodev,size=64m,uid=10001,gid=10001" },
      PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "20001" }] },
      RestartPolicy: { Name: "on-failure", MaximumRetryCount: 5 },
      Mounts: [{ Type: "volume", Source: "berth-acme-data", Target: "/data", ReadOnly: false }],
    });
    expect(o.HostConfig.Runtime).toBeUndefined();
  });

  test("falls back to the catalog's default command, and to the image's own when there is none", () => {
    const req = parsed({ ...sampleRequest, command: undefined });
    expect(built(req, sampleContext({ image: { id: "img1", ref: "berth-policy-helper:test", defaultCommand: ["httpd", "-f"] } })).Cmd).toEqual([
      "httpd",
      "-f",
    ]);
    expect(built(req, sampleContext({ image: { id: "img1", ref: "berth-policy-helper:test" } })).Cmd).toBeUndefined();
  });

  test("grants NET_BIND_SERVICE only when allowed and a port below 1024 is requested", () => {
    const low = parsed({ ...sampleRequest, ports: [{ container: 80 }] });
    const ctx = sampleContext({ hostPorts: [{ container: 80, protocol: "tcp", hostPort: 20080 }] });
    expect(built(low, ctx).HostConfig.CapAdd).toEqual(["NET_BIND_SERVICE"]);
    expect(built(low, { ...ctx, allowedCapabilities: [] }).HostConfig.CapAdd).toEqual([]);
    expect(built().HostConfig.CapAdd).toEqual([]);
  });

  test("a writable root needs both the request and the tenant policy", () => {
    const writable = parsed({ ...sampleRequest, readOnlyRootfs: false });
    expect(built(writable, sampleContext({ allowWritableRootfs: true })).HostConfig.ReadonlyRootfs).toBe(false);
    expect(built(parsed(), sampleContext({ allowWritableRootfs: true })).HostConfig.ReadonlyRootfs).toBe(true);
    expect(refusal(writable, sampleContext())).toEqual(["readOnlyRootfs: this tenant's policy requires a read-only root filesystem"]);
  });

  test("refuses memory and CPU above the per-container maximum", () => {
    expect(refusal(parsed({ ...sampleRequest, memoryMb: 4096 }), sampleContext())).toEqual([
      "memoryMb: 4096 is above this tenant's per-container maximum of 1024 MB",
    ]);
    expect(refusal(parsed({ ...sampleRequest, cpuMillis: 4000 }), sampleContext())[0]).toMatch(/^cpuMillis: 4000 is above/);
  });

  test("refuses a volume the tenant does not have", () => {
    const req = parsed({ ...sampleRequest, volumes: [{ volume: "x", path: "/data" }] });
    expect(refusal(req, sampleContext())).toEqual(['volumes[0].volume: no volume named "x" in this tenant — create it first']);
  });

  test("does not find volumes through the prototype chain", () => {
    const req = parsed({ ...sampleRequest, volumes: [{ volume: "constructor", path: "/data" }] });
    expect(refusal(req, sampleContext())[0]).toMatch(/no volume named "constructor"/);
  });

  test("refuses a port without an allocated host port, and public binds unless the operator allows them", () => {
    expect(refusal(parsed({ ...sampleRequest, ports: [{ container: 9090, expose: "port" }] }), sampleContext())).toEqual([
      "ports[0]: no host port was allocated for 9090/tcp",
    ]);
    for (const hostIp of ["0.0.0.0", "::", ""]) {
      expect(refusal(parsed(), sampleContext({ hostIp }))[0]).toMatch(/^ports: ports may not be published on all host addresses/);
      expect(buildCreateOptions(parsed(), sampleContext({ hostIp, allowPublicBind: true })).ok).toBe(true);
    }
  });

  test("publishes nothing for an HTTPS port: the edge reaches it on the tenant network (N3)", () => {
    for (const hostIp of ["127.0.0.1", "0.0.0.0"]) {
      const o = built(
        parsed({ ...sampleRequest, ports: [{ container: 8080 }, { container: 9000, expose: "https" }] }),
        sampleContext({ hostIp, hostPorts: [] }),
      );
      expect(o.HostConfig.PortBindings).toEqual({});
      expect(o.ExposedPorts).toEqual({});
    }
  });

  test("defaults TCP ports to HTTPS and UDP ports to a raw port, and refuses HTTPS for UDP", () => {
    expect(parsed({ ...sampleRequest, ports: [{ container: 80 }, { container: 53, protocol: "udp" }] }).ports).toEqual([
      { container: 80, protocol: "tcp", expose: "https" },
      { container: 53, protocol: "udp", expose: "port" },
    ]);
    const result = parseLaunchRequest({ ...sampleRequest, ports: [{ container: 53, protocol: "udp", expose: "https" }] });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.violations.map((v) => `${v.path}: ${v.message}`)).toEqual([
        'ports[0].expose: a UDP port cannot be served over HTTPS; use "port"',
      ]);
  });

  test.each([[0], [999], [9999], [1.5]])("refuses uid %s", (uid) => {
    expect(refusal(parsed(), sampleContext({ uid }))[0]).toMatch(/^tenant\.uid: /);
  });

  test("refuses an image other than the one the catalog resolved", () => {
    expect(refusal(parsed({ ...sampleRequest, imageId: "img2" }), sampleContext())).toEqual(['imageId: image "img2" is not in the catalog']);
    const byRef = parsed({ ...sampleRequest, imageId: undefined, image: "alpine:latest" });
    expect(refusal(byRef, sampleContext())[0]).toMatch(/^image: image "alpine:latest" is not in the catalog/);
  });

  test("uses an admin-registered runtime and labels test containers", () => {
    const o = built(parsed(), sampleContext({ runtime: "runsc", testRunId: "run1" }));
    expect(o.HostConfig.Runtime).toBe("runsc");
    expect(o.Labels["berth.test"]).toBe("run1");
  });

  test("applies tenant limits", () => {
    const o = built(parsed(), sampleContext({ limits: { pids: 100, nofile: 512, tmpSizeMb: 16, logMaxSize: "5m", logMaxFile: 2 } }));
    expect(o.HostConfig.PidsLimit).toBe(100);
    expect(o.HostConfig.Ulimits).toEqual([{ Name: "nofile", Soft: 512, Hard: 512 }]);
    expect(o.HostConfig.Tmpfs["/tmp"]).toBe("rw,nosuid,nodev,size=16m,uid=10001,gid=10001");
    expect(o.HostConfig.LogConfig.Config).toEqual({ "max-size": "5m", "max-file": "2" });
  });

  test('restart "no" has no retry count', () => {
    expect(built(parsed({ ...sampleRequest, restart: "no" })).HostConfig.RestartPolicy).toEqual({ Name: "no" });
  });
});
