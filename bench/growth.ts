import { processCpuMs } from "./cpu-by-process";
import { baseUrl, sessionCookie, type Api } from "./http";
import { PASSWORD, type BenchTenant } from "./fixtures";
import { rawList } from "./raw-docker";
import { queryActivity, type QueryBench } from "./activity";
import { round, summarize, timed, type Summary } from "./stats";

/**
 * Item 8: how cost grows with the data. The same reads as items 3 and 4 at several sizes,
 * each with the server's own CPU time per request next to the wall clock: on a shared
 * machine the wall clock carries everyone's load, the CPU time mostly the portal's work.
 */

/** Server CPU ms per call over `n` sequential calls (null without the server's pid). */
async function cpuPerCall(pid: number, n: number, call: () => Promise<unknown>): Promise<number | null> {
  if (!pid) return null;
  const before = processCpuMs(pid);
  for (let i = 0; i < n; i++) await call();
  return round((processCpuMs(pid) - before) / n, 2);
}

/** A page with a session cookie: the time to its first body bytes (first paint can start) and to its end. */
async function timedPage(path: string, cookie: string): Promise<{ firstByteMs: number; totalMs: number; html: string; status: number }> {
  const start = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - start) / 1e6;
  const res = await fetch(baseUrl + path, { headers: { cookie }, redirect: "manual" });
  const decoder = new TextDecoder();
  let html = "";
  let firstByteMs = NaN;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (Number.isNaN(firstByteMs)) firstByteMs = since();
    html += decoder.decode(chunk, { stream: true });
  }
  html += decoder.decode();
  return { firstByteMs, totalMs: since(), html, status: res.status };
}

export interface PageFigures {
  page: Summary;
  pageFirstByte: Summary;
  pageCpuMs: number | null;
  htmlKb: number;
}

export interface ContainerStep extends PageFigures {
  containers: number;
  tenantContainers: number;
  api: Summary;
  apiCpuMs: number | null;
  raw: Summary;
}

export interface EventStep extends PageFigures {
  events: number;
  query: QueryBench;
  queryCpuMs: number | null;
}

/** A signed-in owner of the measured tenant (the dashboard shows them the activity feed too). */
export async function ownerSession(t: BenchTenant): Promise<string> {
  return sessionCookie(t.email, PASSWORD);
}

/** One view of the dashboard, checked, and its size. */
async function firstView(cookie: string) {
  const first = await timedPage("/dashboard", cookie);
  if (first.status !== 200) throw new Error(`/dashboard answered ${first.status}`);
  return { first, htmlKb: round(Buffer.byteLength(first.html) / 1024) };
}

/**
 * The list API, the dashboard and the raw daemon list, interleaved as in item 3, at the
 * current size; then the server's CPU per API call and per page view, each over its own block.
 */
export async function measureContainers(
  t: BenchTenant,
  cookie: string,
  totalContainers: number,
  runs: number,
  serverPid: number,
): Promise<ContainerStep> {
  const path = `/api/v1/tenants/${t.id}/containers`;
  const { items, total } = await t.member.get<{ items: { name: string }[]; total: number }>(path);
  const { first, htmlKb } = await firstView(cookie);
  // The page must really show the list's first page (not an empty state or an error box).
  const missing = items.filter((c) => !first.html.includes(`>${c.name}<`));
  if (missing.length) throw new Error(`/dashboard does not show ${missing.length} of ${items.length} containers`);
  for (let i = 0; i < 5; i++) await Promise.all([t.member.get(path), timedPage("/dashboard", cookie)]); // warm-up
  const apiMs: number[] = [];
  const pageMs: number[] = [];
  const firstByteMs: number[] = [];
  const rawMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    apiMs.push((await timed(() => t.member.get(path))).ms);
    const page = await timedPage("/dashboard", cookie);
    pageMs.push(page.totalMs);
    firstByteMs.push(page.firstByteMs);
    rawMs.push((await timed(() => rawList(t.id))).ms);
  }
  const cpuRuns = Math.min(runs, 30);
  return {
    containers: totalContainers,
    tenantContainers: total,
    api: summarize(apiMs),
    apiCpuMs: await cpuPerCall(serverPid, cpuRuns, () => t.member.get(path)),
    raw: summarize(rawMs),
    page: summarize(pageMs),
    pageFirstByte: summarize(firstByteMs),
    pageCpuMs: await cpuPerCall(serverPid, cpuRuns, () => timedPage("/dashboard", cookie)),
    htmlKb,
  };
}

/** The operator's activity filters (item 4's six) and the owner's dashboard, at the current log size. */
export async function measureEvents(
  operator: Api,
  t: BenchTenant,
  cookie: string,
  events: number,
  runs: number,
  serverPid: number,
): Promise<EventStep> {
  // queryActivity sends each of its 6 filters once to warm up, then `runs` times.
  const before = serverPid ? processCpuMs(serverPid) : 0;
  const query = await queryActivity(operator, t.id, runs);
  const requests = query.perFilter.length * (runs + 1);
  const queryCpuMs = serverPid ? round((processCpuMs(serverPid) - before) / requests, 2) : null;
  const { htmlKb } = await firstView(cookie);
  const pageMs: number[] = [];
  const firstByteMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const page = await timedPage("/dashboard", cookie);
    pageMs.push(page.totalMs);
    firstByteMs.push(page.firstByteMs);
  }
  return {
    events,
    query,
    queryCpuMs,
    page: summarize(pageMs),
    pageFirstByte: summarize(firstByteMs),
    pageCpuMs: await cpuPerCall(serverPid, Math.min(runs, 30), () => timedPage("/dashboard", cookie)),
    htmlKb,
  };
}

const ms = (s: Summary) => `${s.median.toFixed(1)} / ${s.p95.toFixed(1)}`;
const cpu = (v: number | null) => (v === null ? "—" : v.toFixed(1));

/**
 * The one table of item 8: a row per size, the growth factor of the data next to that of
 * each cost (medians and server CPU), so a cost growing faster than its data stands out.
 */
export function growthTable(containerSteps: ContainerStep[], eventSteps: EventStep[]): string {
  const lines = [
    "| data | list API ms (median / p95) · CPU ms | dashboard ms (median / p95) · first byte median · CPU ms · HTML KB | activity query ms, 6 filters (median / p95) · worst filter p95 · CPU ms | raw `docker ps` ms (median / p95) |",
    "|---|---|---|---|---|",
  ];
  for (const s of containerSteps) {
    lines.push(
      `| ${s.containers} containers (${s.tenantContainers} in the measured tenant) | ${ms(s.api)} · ${cpu(s.apiCpuMs)} | ${ms(s.page)} · ${s.pageFirstByte.median.toFixed(1)} · ${cpu(s.pageCpuMs)} · ${s.htmlKb} | — | ${ms(s.raw)} |`,
    );
  }
  for (const s of eventSteps) {
    const worst = [...s.query.perFilter].sort((a, b) => b.summary.p95 - a.summary.p95)[0];
    lines.push(
      `| ${s.events} events (+ the last container step) | — | ${ms(s.page)} · ${s.pageFirstByte.median.toFixed(1)} · ${cpu(s.pageCpuMs)} · ${s.htmlKb} | ${ms(s.query.overall)} · ${worst ? `${worst.summary.p95.toFixed(1)} (${worst.filter})` : "—"} · ${cpu(s.queryCpuMs)} | — |`,
    );
  }
  const c = containerSteps;
  const e = eventSteps;
  const text = [lines.join("\n")];
  const notes: string[] = [];
  const note = (label: string, sizes: number[], costs: (number | null)[]) => {
    if (sizes.length < 2 || costs.some((v) => v === null || !Number.isFinite(v))) return;
    const k = costs as number[];
    notes.push(`- ${label}: data ×${(sizes.at(-1)! / sizes[0]).toFixed(2)} → cost ×${(k.at(-1)! / k[0]).toFixed(2)}`);
  };
  note(
    "list API median",
    c.map((s) => s.containers),
    c.map((s) => s.api.median),
  );
  note(
    "list API server CPU",
    c.map((s) => s.containers),
    c.map((s) => s.apiCpuMs),
  );
  note(
    "dashboard median",
    c.map((s) => s.containers),
    c.map((s) => s.page.median),
  );
  note(
    "dashboard server CPU",
    c.map((s) => s.containers),
    c.map((s) => s.pageCpuMs),
  );
  note(
    "raw docker ps median",
    c.map((s) => s.containers),
    c.map((s) => s.raw.median),
  );
  note(
    "activity query median",
    e.map((s) => s.events),
    e.map((s) => s.query.overall.median),
  );
  note(
    "activity query server CPU",
    e.map((s) => s.events),
    e.map((s) => s.queryCpuMs),
  );
  note(
    "dashboard median (events)",
    e.map((s) => s.events),
    e.map((s) => s.page.median),
  );
  if (notes.length) text.push(notes.join("\n"));
  return text.join("\n\n");
}
