/**
 * Where a portal launch spends its time beyond the daemon's create+start: runs the launch
 * service in-process (no HTTP) with the gateway's dockerode client wrapped to time each
 * engine call. Not part of `npm run bench`; a tool for item 1's analysis:
 *   BERTH_TEST_RUN_ID=bench-prof DATABASE_URL=… npx tsx --conditions=react-server bench/profile-launch.ts <tenantId> <userId> [runs]
 */
import { loadActor } from "@/lib/auth/load-actor";
import { docker } from "@/lib/docker/client";
import { removeWorkload } from "@/lib/docker/workloads";
import { db } from "@/lib/db";
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

async function main() {
  const [tenantId, userId, runsArg] = process.argv.slice(2);
  const runs = Number(runsArg ?? 20);
  const actor = await loadActor(userId, { requestId: "prof", ip: "127.0.0.1" });
  if (!actor) throw new Error("no such user");
  const d = docker();
  const proto = Object.getPrototypeOf(d.getContainer("x"));
  wrap(proto, "start", "start");
  wrap(proto, "inspect", "containerInspect");
  wrap(d, "createContainer", "create");
  const netProto = Object.getPrototypeOf(d.getNetwork("x"));
  wrap(netProto, "inspect", "networkInspect");
  const totals: number[] = [];
  const rest: number[] = [];
  const per: Record<string, number[]> = {};
  for (let i = 0; i < runs + 2; i++) {
    for (const k of Object.keys(engineMs)) delete engineMs[k];
    const t = now();
    const c = await launchContainer(actor, tenantId, launchRequest(`prof-${Date.now().toString(36)}-${i}`));
    const total = now() - t;
    const engine = Object.values(engineMs).reduce((a, b) => a + b, 0);
    if (i >= 2) {
      totals.push(total);
      rest.push(total - engine);
      for (const [k, v] of Object.entries(engineMs)) (per[k] ??= []).push(v);
    }
    const row = await db.container.findUniqueOrThrow({ where: { id: c.id } });
    await removeWorkload(tenantId, row.dockerId ?? "");
    await db.container.delete({ where: { id: c.id } });
  }
  console.log("total", summarize(totals));
  console.log("portal work outside engine calls", summarize(rest));
  for (const [k, v] of Object.entries(per)) console.log(k, summarize(v));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
