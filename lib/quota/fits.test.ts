import { describe, expect, it } from "vitest";
import { ServiceError } from "@/lib/errors";
import { assertFits, remaining } from "./fits";
import { overLimits, pressureOf } from "./pressure";
import type { Quota, Usage } from "./quota";

const quota: Quota = {
  maxContainers: 5,
  maxMemoryMb: 1024,
  maxCpuMillis: 2000,
  maxVolumes: 2,
  maxContainerMemoryMb: 512,
  maxContainerCpuMillis: 1000,
};
const used: Usage = { containers: 2, memoryMb: 512, cpuMillis: 500, volumes: 2 };

function refusal(fn: () => void): ServiceError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("quota checks", () => {
  it("accepts what fits exactly and refuses one more, naming the limit and the numbers", () => {
    expect(() => assertFits(quota, used, { containers: 1, memoryMb: 512, cpuMillis: 1500 })).not.toThrow();
    const error = refusal(() => assertFits(quota, used, { containers: 1, memoryMb: 528 }));
    expect(error.code).toBe("quota_exceeded");
    expect(error.message).toBe("Memory quota exceeded (maxMemoryMb): this needs 528 MB, but the tenant uses 512 of 1024 MB, 512 MB left.");
    expect(refusal(() => assertFits(quota, used, { volumes: 1 })).message).toContain("(maxVolumes)");
  });

  it("checks only what is asked for: starting a stopped container needs no container slot", () => {
    const full = { ...used, containers: 5 };
    expect(() => assertFits(quota, full, { memoryMb: 64, cpuMillis: 100 })).not.toThrow();
    expect(refusal(() => assertFits(quota, full, { containers: 1 })).message).toMatch(/^Containers quota exceeded \(maxContainers\)/);
  });

  it("reports a tenant above a lowered quota as over, with nothing left and pressure above 1", () => {
    const lowered = { ...quota, maxMemoryMb: 256, maxVolumes: 0 };
    expect(remaining(lowered, used)).toEqual({ containers: 3, memoryMb: 0, cpuMillis: 1500, volumes: 0 });
    expect(overLimits(lowered, used).map((s) => s.limit)).toEqual(["maxMemoryMb", "maxVolumes"]);
    expect(pressureOf(lowered, used)).toBe(Infinity);
    expect(pressureOf(quota, used)).toBe(1);
    expect(pressureOf(quota, { containers: 0, memoryMb: 0, cpuMillis: 0, volumes: 0 })).toBe(0);
  });
});
