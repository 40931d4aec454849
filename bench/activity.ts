import { readFileSync, writeFileSync } from "node:fs";
import { recordActivity, type ActivityInput, type EventActor } from "@/lib/activity/record";
import { verifyChain } from "@/lib/activity/verify";
import { db } from "@/lib/db";
import { baseUrl, type Api } from "./http";
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
  /** What the client asked for: identity (a script, curl) or gzip (a browser; the server compresses). */
  encoding: "identity" | "gzip";
  /** The reader's pace in bytes per second, or null for as fast as it can. */
  readerBytesPerSecond: number | null;
  /** Whether the reader stopped before the end (a slow reader is given a time box). */
  complete: boolean;
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
  serverPid: number;
  rssBeforeMb: number;
  peakRssMb: number;
  peakIncrementMb: number;
  /** RSS over the run, for a slow reader: flat means backpressure holds end to end. */
  rssSamplesMb: number[];
  peakWasReset: boolean;
  hwmBeforeMb: number;
}

/**
 * Streams the whole log as CSV, counting rows as they arrive and sampling the server's RSS.
 * With `bytesPerSecond` the reader sleeps to that pace and stops after `maxSeconds`: the
 * server must then hold its memory flat instead of reading ahead of it.
 */
export async function exportCsv(
  operator: Api,
  serverPid: number,
  options: { encoding: "identity" | "gzip"; bytesPerSecond?: number; maxSeconds?: number } = { encoding: "identity" },
): Promise<ExportBench> {
  const before = procStatus(serverPid);
  const peakWasReset = resetPeak(serverPid);
  const start = procStatus(serverPid);
  let sampledPeak = start.rssKb;
  const samples: number[] = [];
  let tick = 0;
  const sampler = setInterval(() => {
    const rss = procStatus(serverPid).rssKb;
    sampledPeak = Math.max(sampledPeak, rss);
    if (tick++ % 20 === 0) samples.push(round(rss / 1024));
  }, 50);
  let rows = -1; // the header line
  let bytes = 0;
  let complete = true;
  const abort = new AbortController();
  const { ms } = await timed(async () => {
    const res = await fetch(`${baseUrl}/api/v1/activity/export?format=csv`, {
      headers: { authorization: `Bearer ${operator.token}`, "accept-encoding": options.encoding },
      signal: abort.signal,
    });
    if (!res.ok || !res.body) throw new Error(`export answered ${res.status}`);
    const t0 = performance.now();
    try {
      // CSV cells here never hold raw line breaks (details are JSON-escaped), so CRLFs count rows.
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.byteLength;
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) rows++;
        if (!options.bytesPerSecond) continue;
        const elapsed = (performance.now() - t0) / 1000;
        if (options.maxSeconds && elapsed >= options.maxSeconds) {
          complete = false;
          abort.abort();
          break;
        }
        const due = bytes / options.bytesPerSecond - elapsed;
        if (due > 0) await new Promise((r) => setTimeout(r, due * 1000));
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  });
  clearInterval(sampler);
  const after = procStatus(serverPid);
  samples.push(round(after.rssKb / 1024));
  const peakKb = peakWasReset ? after.hwmKb : Math.max(sampledPeak, after.rssKb);
  return {
    encoding: options.encoding,
    readerBytesPerSecond: options.bytesPerSecond ?? null,
    complete,
    rows,
    bytes,
    seconds: round(ms / 1000, 2),
    rowsPerSecond: Math.round(rows / (ms / 1000)),
    serverPid,
    rssBeforeMb: round(start.rssKb / 1024),
    peakRssMb: round(peakKb / 1024),
    peakIncrementMb: round((peakKb - start.rssKb) / 1024),
    rssSamplesMb: samples,
    peakWasReset,
    hwmBeforeMb: round(before.hwmKb / 1024),
  };
}

export interface RecordingBench {
  journalMode: string;
  synchronous: string;
  /** Events recorded on their own (refusals, the reconciler's): group-committed. */
  alone: { callers: number; events: number; seconds: number; eventsPerSecond: number };
  /** One caller awaiting each event before the next: one transaction per event, the latency bound. */
  sequential: { events: number; seconds: number; eventsPerSecond: number };
  /** Each event inside a transaction of its own, as a command writes its change and record: SQLite's single writer. */
  inTransaction: { callers: number; events: number; seconds: number; eventsPerSecond: number };
  /** Writes refused because the portal's process held the lock, and tried again. */
  lockRetries: number;
  /** The whole chain verified afterwards (lib/activity/verify.ts), when asked. */
  chainOk: boolean | null;
  chainChecked: number | null;
}

/**
 * Events per second through the recorder (lib/activity/record.ts) in this process, on the
 * portal's database while the portal runs: many callers at once recording on their own
 * (group commit), one caller at a time, and many callers each in a transaction of their own
 * (the command path, which cannot share a commit). The chain is verified afterwards.
 */
export async function recordingThroughput(options: {
  callers: number;
  events: number;
  sequential: number;
  inTransaction: number;
  verify: boolean;
}): Promise<RecordingBench> {
  const pragma = async (name: string) => {
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`);
    return String(Object.values(rows[0] ?? {})[0]);
  };
  const synchronous = ["off", "normal", "full", "extra"][Number(await pragma("synchronous"))] ?? "?";
  const actor: EventActor = { kind: "system" };
  const input = (i: number): ActivityInput => ({
    action: "container.died",
    outcome: "failed",
    target: `container:bench-${i % 997}`,
    reason: "exited with code 137",
    details: { containerId: `bench-${i}`, exitCode: 137, image: "berth/static-web:1" },
  });
  const parallel = async (callers: number, events: number, one: (i: number) => Promise<unknown>) => {
    let next = 0;
    const { ms } = await timed(() =>
      Promise.all(
        Array.from({ length: callers }, async () => {
          while (next < events) await one(next++);
        }),
      ),
    );
    return { seconds: round(ms / 1000, 2), eventsPerSecond: Math.round(events / (ms / 1000)) };
  };
  const alone = await parallel(options.callers, options.events, (i) => retryOnLock(() => recordActivity(actor, input(i))));
  const sequential = await parallel(1, options.sequential, (i) => retryOnLock(() => recordActivity(actor, input(i))));
  const inTransaction = await parallel(options.callers, options.inTransaction, (i) =>
    retryOnLock(() => db.$transaction((tx) => recordActivity(actor, input(i), tx), { maxWait: 60_000, timeout: 60_000 })),
  );
  const chain = options.verify ? await verifyChain() : null;
  const retries = lockRetries;
  lockRetries = 0;
  return {
    journalMode: await pragma("journal_mode"),
    synchronous,
    alone: { callers: options.callers, events: options.events, ...alone },
    sequential: { events: options.sequential, ...sequential },
    inTransaction: { callers: options.callers, events: options.inTransaction, ...inTransaction },
    lockRetries: retries,
    chainOk: chain?.ok ?? null,
    chainChecked: chain?.checked ?? null,
  };
}

let lockRetries = 0;

/**
 * Retried when the portal's own writes (reconciler, lease) hold SQLite's lock: a transaction
 * that read before another process wrote is refused at once, without a busy wait (SQLite's
 * deadlock rule). Counted, not hidden; the portal alone on its database does not meet this.
 */
async function retryOnLock(write: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      return;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= 10 || !/timed out|locked|busy/i.test(message)) throw error;
      lockRetries++;
      await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  }
}
