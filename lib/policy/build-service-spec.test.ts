import { describe, expect, test } from "vitest";
import { assertServiceSpec } from "./assert-service-spec";
import { buildServiceSpec } from "./build-service-spec";
import type { LaunchRequest } from "./launch-request";
import type { TenantContext } from "./tenant-context";
import { formatViolation, type Violation } from "./violation";
import { parsed } from "./__fixtures__/built";
import { sampleContext, sampleRequest, sampleScope } from "./__fixtures__/sample";
import { builtSpec, SAMPLE_NODE as NODE, swarmRequest } from "./__fixtures__/swarm";

function refusal(req: LaunchRequest, ctx: TenantContext, volumeNodeId: string | null = NODE): Violation[] {
  const result = buildServiceSpec(req, ctx, volumeNodeId === null ? {} : { volumeNodeId });
  if (result.ok) throw new Error("expected a refusal");
  return result.violations;
}

describe("buildServiceSpec (S1)", () => {
  test("puts every control where a service spec holds it", () => {
    const s = builtSpec();
    expect(s.Name).toBe("berth-acme_web");
    expect(s.Mode).toEqual({ Replicated: { Replicas: 1 } });
    expect(s.EndpointSpec).toEqual({ Mode: "dnsrr" });
    const c = s.TaskTemplate.ContainerSpec;
    expect(c).toMatchObject({
      Image: "berth-policy-helper:test",
      User: "10001:10001",
      Args: ["/bin/sleep", "600"],
      Env: ["GREETING=hi"],
      ReadOnly: true,
      Init: true,
      CapabilityDrop: ["ALL"],
      CapabilityAdd: [],
      Sysctls: { "net.ipv4.ip_unprivileged_port_start": "0" },
      Ulimits: [{ Name: "nofile", Soft: 1024, Hard: 1024 }],
      Healthcheck: { Test: ["CMD", "/bin/sleep", "0"], Interval: 30e9, Timeout: 5e9, Retries: 3 },
    });
    expect(c.Labels).toEqual({ "berth.managed": "true", "berth.tenant": "t1", "berth.id": "c1", "berth.name": "web", "berth.image": "img1" });
    expect(s.Labels).toEqual(c.Labels);
    expect(c.Mounts).toEqual([
      { Type: "volume", Source: "berth-acme-data", Target: "/data", ReadOnly: false, VolumeOptions: { NoCopy: true } },
      { Type: "tmpfs", Target: "/tmp", ReadOnly: false, TmpfsOptions: { SizeBytes: 64 * 2 ** 20, Mode: 0o1777 } },
    ]);
    expect(s.TaskTemplate.Resources).toEqual({ Limits: { NanoCPUs: 500_000_000, MemoryBytes: 128 * 2 ** 20, Pids: 256 } });
    expect(s.TaskTemplate.RestartPolicy).toEqual({ Condition: "on-failure", MaxAttempts: 5 });
    expect(s.TaskTemplate.Placement).toEqual({ Constraints: ["node.labels.berth.eligible==true", `node.id==${NODE}`] });
    expect(s.TaskTemplate.Networks).toEqual([{ Target: "berth-acme", Aliases: ["web"] }]);
    expect(s.TaskTemplate.LogDriver).toEqual({ Name: "json-file", Options: { "max-size": "10m", "max-file": "3" } });
  });

  test("a service without volumes is placed on any eligible node, and restart no maps to condition none", () => {
    const s = builtSpec(parsed({ ...sampleRequest, ports: [], volumes: [], restart: "no" }));
    expect(s.TaskTemplate.Placement.Constraints).toEqual(["node.labels.berth.eligible==true"]);
    expect(s.TaskTemplate.RestartPolicy).toEqual({ Condition: "none", MaxAttempts: 0 });
  });

  test("its output passes the independent assertion", () => {
    expect(assertServiceSpec(builtSpec(), sampleScope(), { volumeNodeId: NODE })).toEqual([]);
  });

  test.each<[string, LaunchRequest, TenantContext, string | null, string]>([
    ["a raw port (S2: no routing mesh)", parsed(sampleRequest), sampleContext(), NODE, "ports[0].expose"],
    ["a registered runtime", swarmRequest(), sampleContext({ runtime: "runsc", hostPorts: [] }), NODE, "tenant.runtime"],
    ["a volume whose node is unknown", swarmRequest(), sampleContext({ hostPorts: [] }), null, "volumes"],
    [
      "a name too long for a service",
      parsed({ ...swarmRequest(), name: "a".repeat(41) }),
      sampleContext({ containerName: "a".repeat(41), tenantSlug: "b".repeat(30), networkName: `berth-${"b".repeat(30)}`, hostPorts: [] }),
      NODE,
      "name",
    ],
    [
      "memory above the maximum (same checks as one engine)",
      parsed({ ...swarmRequest(), memoryMb: 4096 }),
      sampleContext({ hostPorts: [] }),
      NODE,
      "memoryMb",
    ],
    ["the tenant uid 0", swarmRequest(), sampleContext({ uid: 0, hostPorts: [] }), NODE, "tenant.uid"],
  ])("refuses %s", (_, req, ctx, node, path) => {
    const violations = refusal(req, ctx, node);
    expect(violations.map((v) => v.path)).toContain(path);
  });

  test("the raw-port refusal names the field and the reason", () => {
    const text = refusal(parsed(sampleRequest), sampleContext()).map(formatViolation).join("\n");
    expect(text).toContain("ports[0].expose: raw ports are not published on Swarm");
    expect(text).toContain('expose "https"');
  });
});
