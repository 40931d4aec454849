import { coresBetween, cpuSnapshot, type CoresByGroup } from "./cpu-by-process";
import { fetchPage, sessionCookie, type Api } from "./http";
import { PASSWORD, type BenchTenant } from "./fixtures";
import { rawList } from "./raw-docker";
import { mapLimit, round, summarize, timed, type Summary } from "./stats";

/** Item 3: a tenant's container list with many managed containers on the engine. */

/**
 * A realistic mix per tenant: mostly long-running shells, every fifth a web server with a
 * published port, every tenth a job that exits with code 3 by itself (the list reads exit
 * codes of stopped containers, so that path must be exercised too).
 */
function scaleRequest(k: number) {
  const name = `s-${k}`;
  if (k % 10 === 9) return { name, image: "berth/shell:1", command: ["sh", "-c", "exit 3"], memoryMb: 32, cpuMillis: 50 };
  if (k % 5 === 0)
    return { name, image: "berth/static-web:1", ports: [{ container: 8080, protocol: "tcp", expose: "port" }], memoryMb: 32, cpuMillis: 50 };
  return { name, image: "berth/shell:1", memoryMb: 32, cpuMillis: 50 };
}

export interface SeededScale {
  containers: number;
  seconds: number;
  launchesPerSecond: number;
  ids: { member: Api; id: string; image: string }[];
}

/**
 * Launches `perTenant` containers in every tenant through the API, `concurrency` at a time;
 * their names and mix continue from `firstIndex` (item 8 grows the same tenants in steps).
 */
export async function seedScale(tenants: BenchTenant[], perTenant: number, concurrency: number, firstIndex = 0): Promise<SeededScale> {
  const jobs = tenants.flatMap((t) => Array.from({ length: perTenant }, (_, i) => ({ t, k: firstIndex + i })));
  const { ms, value } = await timed(() =>
    mapLimit(jobs, concurrency, async ({ t, k }) => {
      const request = scaleRequest(k);
      const c = await t.member.send<{ id: string }>("POST", `/api/v1/tenants/${t.id}/containers`, request);
      return { member: t.member, id: c.id, image: request.image };
    }),
  );
  return { containers: value.length, seconds: round(ms / 1000), launchesPerSecond: round(value.length / (ms / 1000)), ids: value };
}

export async function removeScale(seeded: SeededScale): Promise<void> {
  await mapLimit(seeded.ids, 10, ({ member, id }) => member.send("DELETE", `/api/v1/containers/${id}`));
}

export interface ListAtScale {
  totalContainers: number;
  /** Who used the CPU while the three reads ran (bench/cpu-by-process.ts), in cores. */
  cores: CoresByGroup;
  /** The portal's own CPU per iteration (one API list and one dashboard view), ms. */
  portalCpuMsPerIteration: number;
  tenantContainers: number;
  api: Summary;
  page: Summary;
  raw: Summary;
  apiRatioMedian: number;
  pageHtmlKb: number;
}

/**
 * Interleaves the three reads (API list, dashboard page, daemon list with the tenant's
 * label filter) in every iteration so they see the same engine and the same load.
 */
export async function listAtScale(t: BenchTenant, totalContainers: number, runs: number, serverPid: number): Promise<ListAtScale> {
  const cookie = await sessionCookie(t.email, PASSWORD);
  const path = `/api/v1/tenants/${t.id}/containers`;
  const check = async () => {
    const { items } = await t.member.get<{ items: { name: string; status: string }[] }>(path);
    const page = await fetchPage("/dashboard", cookie);
    if (page.status !== 200) throw new Error(`/dashboard answered ${page.status}`);
    // The page must really show the list (not an empty state or an error box).
    const missing = items.filter((c) => !page.html.includes(`>${c.name}<`));
    if (missing.length) throw new Error(`/dashboard does not show ${missing.length} of ${items.length} containers`);
    return { count: items.length, htmlKb: round(Buffer.byteLength(page.html) / 1024) };
  };
  const first = await check();
  for (let i = 0; i < 5; i++) await check(); // warm-up
  const apiMs: number[] = [];
  const pageMs: number[] = [];
  const rawMs: number[] = [];
  const before = cpuSnapshot(serverPid);
  for (let i = 0; i < runs; i++) {
    apiMs.push((await timed(() => t.member.get(path))).ms);
    pageMs.push((await timed(() => fetchPage("/dashboard", cookie))).ms);
    rawMs.push((await timed(() => rawList(t.id))).ms);
  }
  const after = cpuSnapshot(serverPid);
  const api = summarize(apiMs);
  const raw = summarize(rawMs);
  return {
    totalContainers,
    cores: coresBetween(before, after),
    portalCpuMsPerIteration: serverPid
      ? round((((after.perPid.get(serverPid)?.ticks ?? 0) - (before.perPid.get(serverPid)?.ticks ?? 0)) * 10) / runs, 1)
      : NaN,
    tenantContainers: first.count,
    api,
    page: summarize(pageMs),
    raw,
    apiRatioMedian: round(api.median / raw.median, 2),
    pageHtmlKb: first.htmlKb,
  };
}
