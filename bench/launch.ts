import { processCpuMs } from "./cpu-by-process";
import { ApiError, type Api } from "./http";
import { launchRequest, type BenchTenant } from "./fixtures";
import { rawCreateOptions, rawLaunch, rawRemove, runningOf } from "./raw-docker";
import { mapLimit, round, summarize, timed, type Summary } from "./stats";

/** Items 1 and 2: the portal's launch path against the same create body sent straight to the daemon. */

interface Launched {
  id: string;
}

async function portalLaunch(member: Api, tenantId: string, name: string): Promise<Launched> {
  return member.send<Launched>("POST", `/api/v1/tenants/${tenantId}/containers`, launchRequest(name));
}

async function portalRemove(member: Api, id: string): Promise<void> {
  await member.send("DELETE", `/api/v1/containers/${id}`);
}

export interface LaunchOverhead {
  portal: Summary;
  raw: Summary;
  ratioMedian: number;
  ratioP95: number;
  /** The median of portal ÷ raw within each iteration (the two launches side by side in time). */
  pairRatioMedian: number;
  /** Median of portal − raw within each iteration, ms: the portal's cost in time, not as a share. */
  pairDifferenceMedianMs: number;
}

/**
 * Sequential launches, portal and raw interleaved (and their order alternated) so drift in
 * the daemon — its state grows, caches warm — hits both sides alike. Each container is
 * removed, untimed, before the next launch, so every launch sees the same engine.
 */
export async function launchOverhead(t: BenchTenant, runs: number): Promise<LaunchOverhead> {
  // Warm-up, untimed: the first launch creates the tenant network and warms the route.
  for (let i = 0; i < 2; i++) {
    await portalRemove(t.member, (await portalLaunch(t.member, t.id, `warm-${i}`)).id);
    await rawRemove(await rawLaunch(await rawCreateOptions(t.id, launchRequest(`raw-warm-${i}`))));
  }
  const portal: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < runs; i++) {
    const doPortal = async () => {
      const { ms, value } = await timed(() => portalLaunch(t.member, t.id, `p-${i}`));
      portal.push(ms);
      await portalRemove(t.member, value.id);
    };
    const doRaw = async () => {
      const options = await rawCreateOptions(t.id, launchRequest(`r-${i}`));
      const { ms, value } = await timed(() => rawLaunch(options));
      raw.push(ms);
      await rawRemove(value);
    };
    if (i % 2 === 0) {
      await doPortal();
      await doRaw();
    } else {
      await doRaw();
      await doPortal();
    }
  }
  const p = summarize(portal);
  const r = summarize(raw);
  return {
    portal: p,
    raw: r,
    ratioMedian: round(p.median / r.median, 3),
    ratioP95: round(p.p95 / r.p95, 3),
    pairRatioMedian: round(summarize(portal.map((ms, i) => ms / raw[i])).median, 3),
    pairDifferenceMedianMs: round(summarize(portal.map((ms, i) => ms - raw[i])).median, 1),
  };
}

export interface ConcurrentLaunches {
  launches: number;
  tenants: number;
  portalWallMs: Summary;
  rawWallMs: Summary;
  ratioMedian: number;
  portalPerLaunchMs: Summary;
  quotaProof: {
    perTenantLimit: number;
    allWithinQuota: boolean;
    overQuotaAttempts: number;
    overQuotaRefused: number;
    maxRunningPerTenant: number;
    maxUsedPerTenant: number;
  };
}

/**
 * `perTenant` launches from each tenant at once, through the API, against the same number
 * of raw create+start calls at once. Each tenant's quota allows exactly `perTenant`
 * containers: after each portal round one more launch per tenant (again all at once) must
 * be refused with quota_exceeded, and the engine and the usage endpoint must show no
 * tenant above its limit.
 */
export async function concurrentLaunches(tenants: BenchTenant[], perTenant: number, rounds: number): Promise<ConcurrentLaunches> {
  // The tenant networks exist before timing (the raw side needs them; a first launch would
  // add one network creation per tenant to the portal's round only).
  await Promise.all(tenants.map(async (t) => portalRemove(t.member, (await portalLaunch(t.member, t.id, "warm")).id)));
  const jobs = tenants.flatMap((t) => Array.from({ length: perTenant }, (_, k) => ({ t, k })));
  const portalWall: number[] = [];
  const rawWall: number[] = [];
  const perLaunch: number[] = [];
  const proof = { overQuotaAttempts: 0, overQuotaRefused: 0, maxRunningPerTenant: 0, maxUsedPerTenant: 0, allWithinQuota: true };

  const portalRound = async (roundNo: number) => {
    const { ms, value: launched } = await timed(() =>
      Promise.all(
        jobs.map(async ({ t, k }) => {
          const one = await timed(() => portalLaunch(t.member, t.id, `c${roundNo}-${k}`));
          perLaunch.push(one.ms);
          return { t, id: one.value.id };
        }),
      ),
    );
    portalWall.push(ms);
    // One more per tenant, all at once: the quota must refuse every one of them.
    const extra = await Promise.all(
      tenants.map((t) =>
        portalLaunch(t.member, t.id, `over${roundNo}`).then(
          (c) => ({ t, id: c.id, refused: false }),
          (e: unknown) => ({ t, id: "", refused: e instanceof ApiError && e.status === 409 && e.body.includes("quota_exceeded") }),
        ),
      ),
    );
    proof.overQuotaAttempts += extra.length;
    proof.overQuotaRefused += extra.filter((e) => e.refused).length;
    for (const t of tenants) {
      const running = await runningOf(t.id);
      const usage = await t.member.get<{ used: { containers: number } }>(`/api/v1/tenants/${t.id}/usage`);
      proof.maxRunningPerTenant = Math.max(proof.maxRunningPerTenant, running);
      proof.maxUsedPerTenant = Math.max(proof.maxUsedPerTenant, usage.used.containers);
      if (running > perTenant || usage.used.containers > perTenant) proof.allWithinQuota = false;
    }
    const all = [...launched, ...extra.filter((e) => !e.refused && e.id)];
    await mapLimit(all, 10, ({ t, id }) => portalRemove(t.member, id));
  };

  const rawRound = async (roundNo: number) => {
    const options = await Promise.all(jobs.map(({ t, k }) => rawCreateOptions(t.id, launchRequest(`rc${roundNo}-${k}`))));
    const { ms, value: ids } = await timed(() => Promise.all(options.map((o) => rawLaunch(o))));
    rawWall.push(ms);
    await mapLimit(ids, 10, rawRemove);
  };

  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      await portalRound(r);
      await rawRound(r);
    } else {
      await rawRound(r);
      await portalRound(r);
    }
  }
  const p = summarize(portalWall);
  const w = summarize(rawWall);
  if (proof.overQuotaRefused !== proof.overQuotaAttempts) proof.allWithinQuota = false;
  return {
    launches: jobs.length,
    tenants: tenants.length,
    portalWallMs: p,
    rawWallMs: w,
    ratioMedian: round(p.median / w.median, 3),
    portalPerLaunchMs: summarize(perLaunch),
    quotaProof: { perTenantLimit: perTenant, ...proof },
  };
}

export interface IndependentComparison {
  runs: number;
  /**
   * The portal process's CPU time per pair (its launch and removal, the reconciler's work on
   * both sides' events): what a launch costs the portal, far less moved by the machine's load
   * than the wall-clock ratio though not immune to it (on this 2-core host it rose from ~70 ms
   * at load 4 to ~170 ms at load 40: cache and scheduler effects). Null without the server's pid.
   */
  portalCpuMsPerPair: number | null;
  portal: Summary;
  raw: Summary;
  ratioMedian: number;
  /** The median of each pair's portal ÷ raw: less moved by a slow stretch of the machine. */
  pairRatioMedian: number;
}

/**
 * Item 7, the independent comparison the figure came from: `runs` launches through
 * the API strictly alternating with the same hardened create+start (buildCreateOptions, as
 * the raw baseline builds it) sent straight to the daemon; each container removed, untimed,
 * before the next. Separate from item 1 (its own tenant's run, its own pairs), so the two
 * figures check each other.
 */
export async function independentComparison(t: BenchTenant, runs: number, serverPid = 0): Promise<IndependentComparison> {
  await portalRemove(t.member, (await portalLaunch(t.member, t.id, "ind-warm")).id);
  await rawRemove(await rawLaunch(await rawCreateOptions(t.id, launchRequest("ind-raw-warm"))));
  const portal: number[] = [];
  const raw: number[] = [];
  const pairs: number[] = [];
  const cpuBefore = serverPid ? processCpuMs(serverPid) : 0;
  for (let i = 0; i < runs; i++) {
    const p = await timed(() => portalLaunch(t.member, t.id, `ind-p-${i}`));
    await portalRemove(t.member, p.value.id);
    const options = await rawCreateOptions(t.id, launchRequest(`ind-r-${i}`));
    const r = await timed(() => rawLaunch(options));
    await rawRemove(r.value);
    portal.push(p.ms);
    raw.push(r.ms);
    pairs.push(p.ms / r.ms);
  }
  const portalCpuMsPerPair = serverPid ? round((processCpuMs(serverPid) - cpuBefore) / runs, 1) : null;
  const ps = summarize(portal);
  const rs = summarize(raw);
  return {
    runs,
    portalCpuMsPerPair,
    portal: ps,
    raw: rs,
    ratioMedian: round(ps.median / rs.median, 3),
    pairRatioMedian: round(summarize(pairs).median, 3),
  };
}
