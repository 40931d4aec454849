import { readdirSync, readFileSync } from "node:fs";
import { round } from "./stats";

/**
 * Who used the machine's CPU between two snapshots, in cores. Groups are what each process is
 * to the figures the bench prints: the portal (its pid), this client, the engine (dockerd,
 * containerd, the per-container shims), the containers' own processes, kernel workers, and
 * everything else.
 *
 * A process's ticks include its reaped children's (cutime + cstime): the short-lived
 * processes of a `docker exec` or a healthcheck probe (runc, runc init, the probe's command)
 * end between two snapshots and are reaped by the container's shim, so their CPU shows as
 * the shim's instead of only in the machine's total.
 */
export type CpuGroup = "portal" | "benchClient" | "dockerd" | "containerd" | "shims" | "containers" | "kernelWorkers" | "other";

export interface CpuSnapshot {
  at: number;
  /** The machine's busy ticks (USER_HZ, 100 a second). */
  busy: number;
  perPid: Map<number, { group: CpuGroup; ticks: number }>;
}

function groupOf(pid: number, comm: string, serverPid: number): CpuGroup {
  if (pid === serverPid) return "portal";
  if (pid === process.pid) return "benchClient";
  if (comm === "dockerd") return "dockerd";
  if (comm.startsWith("containerd-shim")) return "shims";
  if (comm.startsWith("containerd")) return "containerd";
  if (comm.startsWith("kworker")) return "kernelWorkers";
  return /\/docker[/-]/.test(readFileSync(`/proc/${pid}/cgroup`, "utf8")) ? "containers" : "other";
}

export function cpuSnapshot(serverPid: number): CpuSnapshot {
  const perPid = new Map<number, { group: CpuGroup; ticks: number }>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime, stime, cutime, cstime (fields 14–17 of proc(5)).
      const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      perPid.set(pid, { group: groupOf(pid, comm, serverPid), ticks });
    } catch {
      // The process ended while being read.
    }
  }
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + (cpu[4] ?? 0); // idle + iowait
  return { at: Date.now(), busy: cpu.reduce((a, b) => a + b, 0) - idle, perPid };
}

export type CoresByGroup = Record<CpuGroup, number> & { machineBusy: number; unattributed: number };

/** Cores each group used between two snapshots (processes seen in both; the rest is `unattributed`). */
export function coresBetween(a: CpuSnapshot, b: CpuSnapshot): CoresByGroup {
  const seconds = Math.max(0.001, (b.at - a.at) / 1000);
  const ticks: Record<CpuGroup, number> = {
    portal: 0,
    benchClient: 0,
    dockerd: 0,
    containerd: 0,
    shims: 0,
    containers: 0,
    kernelWorkers: 0,
    other: 0,
  };
  for (const [pid, now] of b.perPid) {
    const before = a.perPid.get(pid);
    if (before) ticks[now.group] += now.ticks - before.ticks;
  }
  const cores = Object.fromEntries(Object.entries(ticks).map(([k, v]) => [k, round(v / 100 / seconds, 2)])) as Record<CpuGroup, number>;
  const machineBusy = round((b.busy - a.busy) / 100 / seconds, 2);
  const attributed = Object.values(ticks).reduce((n, v) => n + v, 0) / 100 / seconds;
  // Processes that started or ended in between and were not reaped by one seen in both, and interrupts.
  return { machineBusy, ...cores, unattributed: round(Math.max(0, machineBusy - attributed), 2) };
}

/** utime + stime of one process in ms (clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** One line for the log: the machine's busy cores, then each group that used any. */
export function coresLine(c: CoresByGroup): string {
  const groups = Object.entries(c).filter(([k, v]) => k !== "machineBusy" && v > 0);
  return `${c.machineBusy} busy (${groups.map(([k, v]) => `${k} ${v}`).join(", ")})`;
}
