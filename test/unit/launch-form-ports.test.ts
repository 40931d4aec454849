import { describe, expect, it } from "vitest";
import { parsePorts } from "@/components/launch-form-state";
import { parseLaunchRequest } from "@/lib/policy";

describe("the launch form's ports field", () => {
  it("serves a bare port over HTTPS and publishes /tcp and /udp as raw host ports", () => {
    expect(parsePorts("8080, 9000/https 5432/tcp,5353/udp")).toEqual([
      { container: 8080, protocol: "tcp", expose: "https" },
      { container: 9000, protocol: "tcp", expose: "https" },
      { container: 5432, protocol: "tcp", expose: "port" },
      { container: 5353, protocol: "udp", expose: "port" },
    ]);
  });

  it("passes what it cannot read to the server, which names it", () => {
    const ports = parsePorts("80/sctp");
    const result = parseLaunchRequest({ name: "x", imageId: "abc", memoryMb: 64, cpuMillis: 100, ports });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.violations[0]?.path).toBe("ports[0].protocol");
  });
});
