import "server-only";
import type { Tx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Usage } from "./quota";

/**
 * Container states that hold no memory or CPU. Stopped containers count toward
 * maxContainers (the row, its name and ports stay) but not toward memory and CPU: they
 * hold none, so starting one re-checks memory and CPU as a launch does
 * (lib/services/containers.ts). Unknown states count, so a new state can never let a
 * tenant past its quota. An `exited` container with restart policy on-failure still
 * holds them: the engine may restart it on its own at any moment, without asking.
 */
export const IDLE_STATUSES = ["stopped", "exited", "dead"] as const;

/** A container the engine no longer has (the reconciler saw it removed) holds nothing at all. */
export const GONE_STATUSES = ["missing"] as const;

export function holdsResources(row: { status: string; restart: string }): boolean {
  if (row.status === "exited" && row.restart === "on-failure") return true;
  return !(IDLE_STATUSES as readonly string[]).includes(row.status) && !(GONE_STATUSES as readonly string[]).includes(row.status);
}

type Int = number | bigint;
interface GroupRow {
  tenantId: string;
  kind: "container" | "volume";
  /** Null on the volume group. */
  status: string | null;
  restart: string | null;
  count: Int;
  memoryMb: Int | null;
  cpuMillis: Int | null;
}

export const NO_USAGE: Usage = { containers: 0, memoryMb: 0, cpuMillis: 0, volumes: 0 };

/**
 * Usage per tenant from Berth's own rows, never from the engine: a check and the
 * reservation it guards read the same rows inside one transaction, and a reservation is
 * released by deleting (or stopping) its row. The one usage function: the quota check, the
 * API, the dashboard, the launch form and the admin list all call it.
 */
export async function usageByTenant(tx: Tx, tenantIds?: string[], options: { volumes?: boolean } = {}): Promise<Map<string, Usage>> {
  if (tenantIds && tenantIds.length === 0) return new Map();
  const ofTenants = tenantIds ? Prisma.sql`AND "tenantId" IN (${Prisma.join(tenantIds)})` : Prisma.empty;
  // One pass over the containers, grouped by what decides whether a row counts and holds
  // resources (holdsResources above is the one rule), and the volumes counted in the same
  // statement (UNION ALL, `kind` telling the groups apart): a handful of groups per tenant in
  // one query on every dashboard view and launch, not separate count and sum queries.
  // Plain SQL rather than groupBy: the reservation runs it under the tenant's lock on every
  // launch, and Prisma compiles each call anew (docs/benchmarks.md). COUNT and SUM come back
  // as 64-bit integers (BigInt on some drivers): Number() them.
  // `volumes: false`: a check that adds no volume never reads their count (reported as 0).
  const volumes =
    options.volumes === false
      ? Prisma.empty
      : Prisma.sql`
          UNION ALL
          SELECT "tenantId", 'volume' AS "kind", NULL AS "status", NULL AS "restart", COUNT(*) AS "count", NULL AS "memoryMb", NULL AS "cpuMillis"
          FROM "Volume" WHERE 1 = 1 ${ofTenants} GROUP BY "tenantId"`;
  const groups = await tx.$queryRaw<GroupRow[]>`
    SELECT "tenantId", 'container' AS "kind", "status", "restart", COUNT(*) AS "count", SUM("memoryMb") AS "memoryMb", SUM("cpuMillis") AS "cpuMillis"
    FROM "Container" WHERE "status" NOT IN (${Prisma.join(GONE_STATUSES)}) ${ofTenants}
    GROUP BY "tenantId", "status", "restart"${volumes}`;
  const usage = new Map<string, Usage>();
  const entry = (id: string) => {
    let u = usage.get(id);
    if (!u) usage.set(id, (u = { ...NO_USAGE }));
    return u;
  };
  for (const g of groups) {
    const u = entry(g.tenantId);
    if (g.kind === "volume") u.volumes = Number(g.count);
    else {
      u.containers += Number(g.count);
      if (holdsResources({ status: g.status ?? "", restart: g.restart ?? "" })) {
        u.memoryMb += Number(g.memoryMb ?? 0);
        u.cpuMillis += Number(g.cpuMillis ?? 0);
      }
    }
  }
  return usage;
}

export async function usageOf(tx: Tx, tenantId: string, options: { volumes?: boolean } = {}): Promise<Usage> {
  return (await usageByTenant(tx, [tenantId], options)).get(tenantId) ?? { ...NO_USAGE };
}
