/**
 * Where a portal launch spends its time beyond the daemon's create+start, and how many SQL
 * statements it sends: runs the API's path in-process (the Bearer check, then the launch
 * service; no HTTP) with the gateway's dockerode client wrapped to time each engine call and
 * better-sqlite3 wrapped to count statements. Not part of `npm run bench`; a tool for item
 * 1's analysis. Against a migrated database of its own (it makes its own tenant and user):
 *   BERTH_TEST_RUN_ID=bench-prof BERTH_PORT_RANGE=24000-24099 DATABASE_URL=file:/tmp/p.db \
 *     npx tsx --conditions=react-server bench/profile-launch.ts [runs]
 */
import type BetterSqlite3 from "better-sqlite3";
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";
import { generateApiToken, hashApiToken } from "@/lib/auth/api-token";
import { actorFromBearer } from "@/lib/auth/bearer";
import { docker } from "@/lib/docker/client";
import { removeTenantNetwork } from "@/lib/docker/networks";
import { removeWorkload } from "@/lib/docker/workloads";
import { db } from "@/lib/db";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { launchContainer } from "@/lib/services/launch-container";
import { launchRequest } from "./fixtures";
import { summarize } from "./stats";

const engineMs: Record<string, number> = {};
const now = () => Number(process.hrtime.bigint()) / 1e6;

function wrap<T extends object>(target: T, name: string, label: string) {
  const original = (target as Record<string, unknown>)[name] as (...a: unknown[]) => unknown;
  (target as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    const t = now();
    const out = original.apply(this, args);
    if (out instanceof Promise) return out.finally(() => (engineMs[label] = (engineMs[label] ?? 0) + now() - t));
    engineMs[label] = (engineMs[label] ?? 0) + now() - t;
    return out;
  };
}

const kind = (sql: string) => {
  const s = sql.trim().toUpperCase();
  if (s.startsWith("BEGIN") || s.startsWith("COMMIT") || s.startsWith("ROLLBACK")) return s.split(/\s/)[0];
  const verb = s.split(/\s/)[0];
  const table = /(?:FROM|INTO|UPDATE)\s+[`"]?(?:main[`"]?\.[`"]?)?(\w+)/i.exec(sql)?.[1] ?? "?";
  return `${verb} ${table}`;
};

// Every statement the adapter sends goes through Database#prepare (it prepares each time),
// on the better-sqlite3 the adapter itself resolves (it may have a copy of its own).
const Database = createRequire(require.resolve("@prisma/adapter-better-sqlite3"))("better-sqlite3") as typeof BetterSqlite3;
const statements: string[] = [];
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: BetterSqlite3.Database, sql: string) {
  statements.push(sql);
  return prepare.call(this, sql);
} as typeof prepare;
// …and runs it with run() or all(): the time inside SQLite (and the disk, at COMMIT).
const sqlMs: Record<string, number> = {};
const statementProto = Object.getPrototypeOf(new Database(":memory:").prepare("SELECT 1")) as Record<string, unknown>;
for (const method of ["run", "all"]) {
  const original = statementProto[method] as (...a: unknown[]) => unknown;
  statementProto[method] = function (this: { source: string }, ...args: unknown[]) {
    const t = now();
    try {
      return original.apply(this, args);
    } finally {
      const k = kind(this.source);
      sqlMs[k] = (sqlMs[k] ?? 0) + now() - t;
    }
  };
}

// Prisma 6.19 compiles every query (model calls and raw SQL alike) in WebAssembly, with no
// plan cache: count the compilations per launch, what they were for and how long they took.
interface CompiledQuery {
  modelName?: string;
  action?: string;
}
const compiles: { query: string; ms: number }[] = [];
async function watchCompiles() {
  // The module the generated client loads (lib/generated/prisma/internal/class.ts); it ships no types.
  const runtime: string = "@prisma/client/runtime/query_compiler_bg.sqlite.mjs";
  const { QueryCompiler } = (await import(runtime)) as {
    QueryCompiler: { prototype: { compile(q: string): unknown } };
  };
  const compile = QueryCompiler.prototype.compile;
  QueryCompiler.prototype.compile = function (this: unknown, q: string) {
    const t = now();
    try {
      return compile.call(this, q);
    } finally {
      const { modelName, action } = JSON.parse(q) as CompiledQuery;
      compiles.push({ query: `${modelName ?? ""}.${action ?? "?"}`, ms: now() - t });
    }
  };
}

async function main() {
  const runs = Number(process.argv[2] ?? 20);
  await watchCompiles();
  await seedStarterCatalog();
  const suffix = randomBytes(3).toString("hex");
  const tenant = await db.tenant.create({
    data: {
      name: "Profile",
      slug: `prof-${suffix}`,
      uid: 20000 + Math.floor(Math.random() * 10000),
      maxContainers: 100,
      maxMemoryMb: 100_000,
      maxCpuMillis: 100_000,
    },
  });
  const user = await db.user.create({
    data: {
      email: `prof-${suffix}@bench.berth`,
      passwordHash: "x",
      role: "member",
      memberships: { create: [{ tenantId: tenant.id, role: "owner" }] },
    },
  });
  const token = generateApiToken();
  await db.apiToken.create({ data: { userId: user.id, name: "prof", tokenHash: hashApiToken(token), expiresAt: new Date(Date.now() + 86_400_000) } });
  const headers = new Headers({ authorization: `Bearer ${token}`, "x-forwarded-for": "127.0.0.1" });

  const d = docker();
  const proto = Object.getPrototypeOf(d.getContainer("x"));
  wrap(proto, "start", "start");
  wrap(proto, "inspect", "containerInspect");
  wrap(d, "createContainer", "create");
  const netProto = Object.getPrototypeOf(d.getNetwork("x"));
  wrap(netProto, "inspect", "networkInspect");
  const totals: number[] = [];
  // CPU time of this process per launch: what the launch costs the portal whatever the load.
  const cpus: number[] = [];
  const rest: number[] = [];
  const per: Record<string, number[]> = {};
  let counted: string[] = [];
  let compiled: typeof compiles = [];
  const compileMs: number[] = [];
  const sqlPer: Record<string, number[]> = {};
  try {
    for (let i = 0; i < runs + 2; i++) {
      for (const k of Object.keys(engineMs)) delete engineMs[k];
      statements.length = 0;
      compiles.length = 0;
      for (const k of Object.keys(sqlMs)) delete sqlMs[k];
      const t = now();
      const cpu = process.cpuUsage();
      const actor = await actorFromBearer(headers);
      const c = await launchContainer(actor, tenant.id, launchRequest(`prof-${i}`));
      const total = now() - t;
      const used = process.cpuUsage(cpu);
      const cpuMs = (used.user + used.system) / 1000;
      if (i === 2) [counted, compiled] = [[...statements], [...compiles]];
      if (i >= 2) compileMs.push(compiles.reduce((a, c) => a + c.ms, 0));
      if (i >= 2) for (const [k, v] of Object.entries(sqlMs)) (sqlPer[k] ??= []).push(v);
      const engine = Object.values(engineMs).reduce((a, b) => a + b, 0);
      if (i >= 2) {
        totals.push(total);
        cpus.push(cpuMs);
        rest.push(total - engine);
        for (const [k, v] of Object.entries(engineMs)) (per[k] ??= []).push(v);
      }
      const row = await db.container.findUniqueOrThrow({ where: { id: c.id } });
      await removeWorkload(tenant.id, row.dockerId ?? "");
      await db.container.delete({ where: { id: c.id } });
    }
  } finally {
    await removeTenantNetwork(tenant).catch(() => undefined);
  }
  const byKind = new Map<string, number>();
  for (const s of counted) byKind.set(kind(s), (byKind.get(kind(s)) ?? 0) + 1);
  console.log(`statements per launch (incl. the Bearer check): ${counted.length}; transactions: ${byKind.get("BEGIN") ?? 0}`);
  for (const [k, n] of byKind) console.log(`  ${n} × ${k}`);
  if (process.env.PROFILE_SQL) for (const s of counted) console.log("   ", s.slice(0, 160));
  console.log(`Prisma query compilations per launch: ${compiled.length} (${compiled.map((c) => c.query).join(", ")})`);
  console.log("time compiling per launch", summarize(compileMs));
  console.log("total", summarize(totals));
  console.log("CPU time of the process per launch", summarize(cpus));
  console.log("portal work outside engine calls", summarize(rest));
  for (const [k, v] of Object.entries(per)) console.log(k, summarize(v));
  const sqlMedian = (k: string) => summarize(sqlPer[k]).median;
  const sqlTotal = Object.keys(sqlPer).reduce((a, k) => a + sqlMedian(k), 0);
  console.log(`inside SQLite (sum of per-kind medians): ${sqlTotal.toFixed(1)} ms`);
  for (const k of Object.keys(sqlPer)) console.log(`  ${k}: ${sqlMedian(k).toFixed(2)} ms`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
