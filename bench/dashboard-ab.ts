/**
 * `/dashboard` side by side: two production builds (A = before, B = after) served at once,
 * each from its own database, one tenant of AB_CONTAINERS real containers each (launched
 * through each portal's API), AB_WARMUP warm-up views per server, then AB_VIEWS views per
 * server alternating between the two. Per server: wall time per view (to the end of the
 * HTML) and the server process's CPU per view (utime + stime from /proc/<pid>/stat over the
 * measured loop, divided by its views). On a loaded machine both servers wait for the same
 * CPU at the same moments, so the two columns compare where separate runs would not.
 *
 * Run by bench/dashboard-ab.sh (builds, servers, clean-up). Self-contained on purpose: the
 * other bench modules talk to one BENCH_BASE_URL; this one talks to two.
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { processCpuMs } from "./cpu-by-process";
import { mapLimit, round, summarize } from "./stats";

interface Server {
  label: string;
  url: string;
  pid: number;
}

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} must be set (bench/dashboard-ab.sh sets it)`);
  return value;
};

const servers: Server[] = [
  { label: env("AB_A_LABEL", "A"), url: env("AB_A_URL"), pid: Number(env("AB_A_PID")) },
  { label: env("AB_B_LABEL", "B"), url: env("AB_B_URL"), pid: Number(env("AB_B_PID")) },
];
const VIEWS = Number(env("AB_VIEWS", "200"));
const WARMUP = Number(env("AB_WARMUP", "20"));
const CONTAINERS = Number(env("AB_CONTAINERS", "25"));
const ADMIN = { email: env("BERTH_ADMIN_EMAIL"), password: env("BERTH_ADMIN_PASSWORD") };
const RUN = env("BERTH_TEST_RUN_ID");
const PASSWORD = "dashboard-ab-password-1";

async function call<T>(server: Server, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(server.url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${server.label} ${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const tokenFor = async (server: Server, email: string, password: string) =>
  (await call<{ token: string }>(server, "POST", "/api/v1/auth/token", null, { email, password, name: "dashboard-ab" })).token;

const cookiesOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]);

/** A browser session through next-auth's credentials flow, as the sign-in form posts it (bench/http.ts's sessionCookie, for a given server). */
async function sessionCookie(server: Server, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${server.url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${server.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(csrf).join("; ") },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: `${server.url}/dashboard` }),
  });
  const session = cookiesOf(res).find((c) => /^(__Secure-)?authjs\.session-token=/.test(c));
  if (!session) throw new Error(`${server.label}: sign-in as ${email} failed: HTTP ${res.status}`);
  return session;
}

interface Seeded {
  server: Server;
  cookie: string;
  owner: string;
  containerIds: string[];
}

async function seed(server: Server, index: number): Promise<Seeded> {
  const admin = await tokenFor(server, ADMIN.email, ADMIN.password);
  const tag = RUN.replace(/[^a-z0-9]/g, "").slice(-8);
  const slug = `ab${tag}-${index}`;
  const tenant = await call<{ id: string }>(server, "POST", "/api/v1/tenants", admin, { name: `Dashboard AB ${index}`, slug });
  await call(server, "PUT", `/api/v1/tenants/${tenant.id}/quota`, admin, {
    maxContainers: CONTAINERS + 5,
    maxMemoryMb: 65536,
    maxCpuMillis: 64000,
    maxVolumes: 10,
  });
  const email = `${slug}@ab.berth`;
  await call(server, "POST", "/api/v1/users", admin, {
    email,
    password: PASSWORD,
    role: "member",
    memberships: [{ tenantId: tenant.id, role: "owner" }],
  });
  const owner = await tokenFor(server, email, PASSWORD);
  const launched = await mapLimit(
    Array.from({ length: CONTAINERS }, (_, i) => i),
    4,
    (i) =>
      call<{ id: string }>(server, "POST", `/api/v1/tenants/${tenant.id}/containers`, owner, {
        name: `ab-${String(i).padStart(2, "0")}`,
        image: "berth/shell:1",
        memoryMb: 32,
        cpuMillis: 50,
      }),
  );
  return { server, cookie: await sessionCookie(server, email, PASSWORD), owner, containerIds: launched.map((c) => c.id) };
}

async function view(s: Seeded): Promise<{ ms: number; bytes: number }> {
  const start = process.hrtime.bigint();
  const res = await fetch(`${s.server.url}/dashboard`, { headers: { cookie: s.cookie }, redirect: "manual" });
  const html = await res.text();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== 200) throw new Error(`${s.server.label}: /dashboard answered ${res.status}`);
  return { ms, bytes: Buffer.byteLength(html) };
}

async function main() {
  const seeded: Seeded[] = [];
  try {
    for (const [i, server] of servers.entries()) seeded.push(await seed(server, i));
    for (const s of seeded) {
      const first = await fetch(`${s.server.url}/dashboard`, { headers: { cookie: s.cookie } }).then((r) => r.text());
      const shown = Array.from({ length: CONTAINERS }, (_, i) => `ab-${String(i).padStart(2, "0")}`).filter((n) => first.includes(n));
      if (shown.length !== CONTAINERS) throw new Error(`${s.server.label}: /dashboard shows ${shown.length} of ${CONTAINERS} containers`);
      // AB_DUMP_DIR: each server's first view, to compare the two pages' markup.
      if (process.env.AB_DUMP_DIR) writeFileSync(`${process.env.AB_DUMP_DIR}/dashboard-${seeded.indexOf(s) === 0 ? "a" : "b"}.html`, first);
    }
    for (let i = 0; i < WARMUP; i++) for (const s of seeded) await view(s);
    const load = [loadavg()[0]];
    const times: number[][] = seeded.map(() => []);
    const bytes: number[] = seeded.map(() => 0);
    const cpuStart = seeded.map((s) => processCpuMs(s.server.pid));
    for (let i = 0; i < VIEWS; i++) {
      // Alternate which server goes first, so neither always follows the other's view.
      const order = i % 2 === 0 ? [0, 1] : [1, 0];
      for (const k of order) {
        const v = await view(seeded[k]);
        times[k].push(v.ms);
        bytes[k] = v.bytes;
      }
      if (i % 50 === 49) load.push(loadavg()[0]);
    }
    const cpu = seeded.map((s, k) => (processCpuMs(s.server.pid) - cpuStart[k]) / VIEWS);
    load.push(loadavg()[0]);
    console.log(`\n/dashboard A/B: ${VIEWS} views each, alternating, after ${WARMUP} warm-up views; ${CONTAINERS} containers in the tenant`);
    console.log(`1-minute load average during the loop: ${load.map((l) => round(l, 2)).join(" → ")}`);
    console.log("| server | median ms | p95 ms | min / max ms | server CPU per view ms | HTML bytes |");
    console.log("|---|---|---|---|---|---|");
    for (const [k, s] of seeded.entries()) {
      const t = summarize(times[k]);
      console.log(
        `| ${s.server.label} | ${round(t.median)} | ${round(t.p95)} | ${round(t.min)} / ${round(t.max)} | ${round(cpu[k])} | ${bytes[k]} |`,
      );
    }
  } finally {
    // Remove what the run launched through each portal's own API (the shell script removes
    // anything left by label afterwards).
    for (const s of seeded)
      await mapLimit(s.containerIds, 4, (id) =>
        call(s.server, "DELETE", `/api/v1/containers/${id}`, s.owner).catch((e: unknown) => console.error(String(e))),
      );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
