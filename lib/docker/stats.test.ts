import { describe, expect, it } from "vitest";
import { statsFromSample } from "./stats";

const zeros = { cpuPercent: 0, memoryBytes: 0, memoryLimitBytes: 0, pids: 0, netRxBytes: 0, netTxBytes: 0 };

describe("statsFromSample", () => {
  it("computes CPU %, memory without page cache, PIDs and network like docker stats", () => {
    expect(
      statsFromSample({
        read: "2026-01-01T00:00:01Z",
        cpu_stats: { cpu_usage: { total_usage: 3_000_000 }, system_cpu_usage: 20_000_000, online_cpus: 2 },
        precpu_stats: { cpu_usage: { total_usage: 1_000_000 }, system_cpu_usage: 10_000_000 },
        memory_stats: { usage: 50_000, limit: 64 * 2 ** 20, stats: { inactive_file: 10_000 } },
        pids_stats: { current: 3 },
        networks: { eth0: { rx_bytes: 100, tx_bytes: 40 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
      }),
    ).toEqual({ cpuPercent: 40, memoryBytes: 40_000, memoryLimitBytes: 64 * 2 ** 20, pids: 3, netRxBytes: 101, netTxBytes: 42 });
  });

  it.each([
    ["an empty object", {}],
    ["no cpu_stats (the container stopped between the inspect and the sample)", { memory_stats: {}, precpu_stats: {} }],
    [
      "a stopped container's sample",
      { read: "0001-01-01T00:00:00Z", cpu_stats: { cpu_usage: {} }, memory_stats: {}, pids_stats: {}, networks: undefined },
    ],
    ["null-ish figures", { cpu_stats: { cpu_usage: { total_usage: undefined } }, networks: { eth0: {} } }],
  ])("answers zeros, never throws, for %s", (_name, sample) => {
    expect(statsFromSample(sample as Parameters<typeof statsFromSample>[0])).toEqual(zeros);
  });
});
