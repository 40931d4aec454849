import { describe, expect, it } from "vitest";
import { niceCeil } from "@/components/stats-panel";

describe("niceCeil (the stats charts' axis tops)", () => {
  it.each([
    [0, 1],
    [1, 1],
    [7, 10],
    [8, 10],
    [100, 100],
    [101, 200],
    [1000, 1000],
    [1234, 2000],
    [3300, 5000],
    [0.3, 0.5],
  ])("%d → %d", (value, top) => {
    expect(niceCeil(value)).toBeCloseTo(top);
  });
});
