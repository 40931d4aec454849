import { describe, expect, it } from "vitest";
import { formatBytes } from "@/lib/format/bytes";

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [-5, "0 B"],
    [NaN, "0 B"],
    [999, "999 B"],
    [1000, "1.0 kB"],
    [1_450_000, "1.4 MB"],
    [12_500_000, "13 MB"],
    [3e12, "3.0 TB"],
    [5e15, "5000 TB"],
  ])("%d → %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
