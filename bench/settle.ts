import { readFileSync } from "node:fs";
import { round } from "./stats";

/** Busy and total CPU jiffies of the whole machine (the first line of /proc/stat). */
function cpuJiffies() {
  const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const n = fields.map(Number);
  const idle = n[3] + (n[4] ?? 0); // idle + iowait
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export interface Settled {
  /** Share of the machine's CPU in use over the last sample, 0..1. */
  busy: number;
  waitedSeconds: number;
}

/**
 * Waits until the machine is quiet again after the bench's own seeding (hundreds of launches,
 * the reconciler recording each container's start and, for jobs, its exit): the CPU at most
 * `maxBusy` in use over a 2 s sample, or `maxSeconds` gone. A fixed pause measured the
 * page while the seeding's aftermath still queued it behind other work (load 11–14), which
 * is not what a page view on this machine costs. The result is printed next to the figures.
 */
export async function settle(maxBusy = 0.25, maxSeconds = 120): Promise<Settled> {
  const began = Date.now();
  let busy = 1;
  while (Date.now() - began < maxSeconds * 1000) {
    const a = cpuJiffies();
    await new Promise((r) => setTimeout(r, 2000));
    const b = cpuJiffies();
    busy = (b.busy - a.busy) / Math.max(1, b.total - a.total);
    if (busy <= maxBusy) break;
  }
  return { busy: round(busy, 2), waitedSeconds: round((Date.now() - began) / 1000, 1) };
}
