import { describe, expect, it } from "vitest";
import { parseLogLine, shortTimestamp, timestampKey } from "./log-line";

describe("log lines with the engine's timestamps", () => {
  it("splits the time from the text, and leaves a line without one whole", () => {
    expect(parseLogLine("2026-11-29T22:15:18.123456789Z hello  world")).toEqual({ ts: "2026-11-29T22:15:18.123456789Z", text: "hello  world" });
    expect(parseLogLine("2026-11-29T22:15:18Z ")).toEqual({ ts: "2026-11-29T22:15:18Z", text: "" });
    expect(parseLogLine("no time here")).toEqual({ ts: null, text: "no time here" });
    expect(parseLogLine("2026-11-29 22:15:18 looks like one")).toEqual({ ts: null, text: "2026-11-29 22:15:18 looks like one" });
  });

  it("orders times by their value, not their text, whatever the fraction's length", () => {
    const times = ["2026-11-29T22:15:18.5Z", "2026-11-29T22:15:18.123456789Z", "2026-11-29T22:15:18Z", "2026-11-29T22:15:19.000000001Z"];
    expect([...times].sort((a, b) => timestampKey(a).localeCompare(timestampKey(b)))).toEqual([
      "2026-11-29T22:15:18Z",
      "2026-11-29T22:15:18.123456789Z",
      "2026-11-29T22:15:18.5Z",
      "2026-11-29T22:15:19.000000001Z",
    ]);
  });

  it("shows a time to the millisecond", () => {
    expect(shortTimestamp("2026-11-29T22:15:18.123456789Z")).toBe("2026-11-29 22:15:18.123");
    expect(shortTimestamp("2026-11-29T22:15:18Z")).toBe("2026-11-29 22:15:18.000");
  });
});
