import { describe, expect, it } from "vitest";
import { formatAmount, formatCpu, unitOf } from "@/lib/quota/format";

describe("formatCpu", () => {
  it.each([
    [0, "0.00"],
    [50, "0.05"],
    [500, "0.50"],
    [1000, "1.00"],
    [1250, "1.25"],
    [16000, "16.00"],
  ])("%i millicores → %s", (millis, text) => {
    expect(formatCpu(millis)).toBe(text);
  });
});

describe("formatAmount", () => {
  it("shows CPU in cores and everything else as counted", () => {
    expect(formatAmount({ used: "cpuMillis" }, 1500)).toBe("1.50");
    expect(formatAmount({ used: "memoryMb" }, 128)).toBe("128");
    expect(formatAmount({ used: "containers" }, 3)).toBe("3");
  });

  it("puts the unit after the figure", () => {
    expect(unitOf({ used: "cpuMillis" })).toBe(" CPU");
    expect(unitOf({ used: "memoryMb" })).toBe(" MB");
    expect(unitOf({ used: "containers" })).toBe("");
  });
});
