import { readFileSync, writeFileSync } from "node:fs";
import { db } from "@/lib/db";
import type { Api } from "./http";
import { round, summarize, timed, type Summary } from "./stats";

/** Item 4: an operator's filtered queries and a full CSV export over a large activity log. */

export interface QueryBench {
  overall: Summary;
  perFilter: { filter: string; summary: Summary; items: number }[];
}

/**
 * Filters an operator really combines: one tenant, one action, rare outcomes, a time
 * window, and a selective three-way combination (the worst case for a single index: its
 * matches are rare, so the scan walks far before it fills a page).
 */
async function filtersFor(tenantId: string): Promise<{ name: string; query: string }[]> {
  const bounds = await db.activityEvent.aggregate({ _min: { at: true }, _max: { at: true } });
  const lo = bounds._min.at?.getTime() ?? Date.now();
  const hi = bounds._max.at?.getTime() ?? Date.now();
  // The middle fifth of the log's time span.
  const from = new Date(lo + (hi - lo) * 0.4).toISOString();
  const to = new Date(lo + (hi - lo) * 0.6).toISOString();
  return [
    { name: "tenant", query: `tenantId=${tenantId}` },
    { name: "action", query: "action=container.stop" },
    { name: "outcome=failed", query: "outcome=failed" },
    { name: "tenant+action+outcome (rare)", query: `tenantId=${tenantId}&action=quota.update&outcome=denied` },
    { name: "time window", query: `from=${from}&to=${to}` },
    { name: "tenant+action+window", query: `tenantId=${tenantId}&action=container.launch&from=${from}&to=${to}` },
  ];
}

export async function queryActivity(operator: Api, tenantId: string, runsPerFilter: number): Promise<QueryBench> {
  const filters = await filtersFor(tenantId);
  const all: number[] = [];
  const per = new Map<string, number[]>(filters.map((f) => [f.name, []]));
  const items = new Map<string, number>();
  for (const f of filters) {
    const page = await operator.get<{ items: unknown[] }>(`/api/v1/activity?${f.query}`); // warm-up, and a sanity check
    items.set(f.name, page.items.length);
  }
  // Round-robin over the filters so each sees the same server state.
  for (let i = 0; i < runsPerFilter; i++) {
    for (const f of filters) {
      const { ms } = await timed(() => operator.get(`/api/v1/activity?${f.query}`));
      all.push(ms);
      per.get(f.name)!.push(ms);
    }
  }
  return {
    overall: summarize(all),
    perFilter: filters.map((f) => ({
      filter: f.query.replace(/[0-9a-z]{20,}/g, "<id>"),
      summary: summarize(per.get(f.name)!),
      items: items.get(f.name) ?? 0,
    })),
  };
}

function procStatus(pid: number): { rssKb: number; hwmKb: number } {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? NaN);
  return { rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") };
}

/** Resets the process's peak-RSS mark (Linux: "5" > clear_refs), so VmHWM afterwards is the export's own peak. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

export interface ExportBench {
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
  serverPid: number;
  rssBeforeMb: number;
  peakRssMb: number;
  peakIncrementMb: number;
  peakWasReset: boolean;
  hwmBeforeMb: number;
}

/** Streams the whole log as CSV, counting rows as they arrive and sampling the server's RSS. */
export async function exportCsv(operator: Api, serverPid: number): Promise<ExportBench> {
  const before = procStatus(serverPid);
  const peakWasReset = resetPeak(serverPid);
  const start = procStatus(serverPid);
  let sampledPeak = start.rssKb;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, procStatus(serverPid).rssKb);
  }, 50);
  let rows = -1; // the header line
  let bytes = 0;
  const { ms } = await timed(async () => {
    const res = await operator.raw("GET", "/api/v1/activity/export?format=csv");
    if (!res.ok || !res.body) throw new Error(`export answered ${res.status}`);
    // CSV cells here never hold raw line breaks (details are JSON-escaped), so CRLFs count rows.
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) rows++;
    }
  });
  clearInterval(sampler);
  const after = procStatus(serverPid);
  const peakKb = peakWasReset ? after.hwmKb : Math.max(sampledPeak, after.rssKb);
  return {
    rows,
    bytes,
    seconds: round(ms / 1000, 2),
    rowsPerSecond: Math.round(rows / (ms / 1000)),
    serverPid,
    rssBeforeMb: round(start.rssKb / 1024),
    peakRssMb: round(peakKb / 1024),
    peakIncrementMb: round((peakKb - start.rssKb) / 1024),
    peakWasReset,
    hwmBeforeMb: round(before.hwmKb / 1024),
  };
}
