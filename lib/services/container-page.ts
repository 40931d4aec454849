import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { tenantScopeSql } from "@/lib/authz/tenant-scope-sql";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { ContainerRow } from "@/lib/services/container-dto";
import { CONTAINER_SORTS, orderOf, pageWindow, type ListQuery } from "@/lib/schemas/list-query";

/** A row of the page: what toContainerDto and recordedState read, nothing more. */
export type ContainerPageRow = ContainerRow & { dockerId: string | null };

type Int = number | bigint;
type PageRow = Omit<ContainerPageRow, "ports" | "routes"> & { total: Int };
type PortRow = { containerId: string; kind: "port" | "route"; host: string; hostPort: number | null; protocol: string | null; containerPort: number };

/** The column each sort orders by; identifiers from this fixed map only, never from the request. */
const SORT_COLUMN: Record<(typeof CONTAINER_SORTS)[number], Prisma.Sql> = {
  created: Prisma.raw(`c."createdAt"`),
  name: Prisma.raw(`c."name"`),
  // The status Berth recorded (the reconciler keeps it); the page shows the engine's if it differs.
  status: Prisma.raw(`c."status"`),
  image: Prisma.raw(`c."imageRef"`),
  memory: Prisma.raw(`c."memoryMb"`),
  cpu: Prisma.raw(`c."cpuMillis"`),
};

/**
 * One page of a tenant's containers with their ports and HTTPS routes, in two plain SQL
 * statements (bound values, portable SQL) instead of Prisma's findMany with `include`, which
 * sent three and compiled each anew on every view (docs/benchmarks.md, "Dashboard, round 2,
 * plain SQL"). The same rows in the same order as that findMany: the tenant scope in the
 * WHERE, search as `LIKE '%q%'` on name or image (Prisma's `contains`: `%` and `_` stay
 * wildcards), the sort column then the id. The total comes with the page (a window count);
 * only a page past the end counts on its own.
 */
export async function readContainerPage(
  actor: Actor,
  tenantId: string,
  query: ListQuery<(typeof CONTAINER_SORTS)[number]>,
): Promise<{ rows: ContainerPageRow[]; total: number }> {
  const sort = query.sort ?? "created";
  const direction = Prisma.raw(orderOf(sort, query.order) === "desc" ? "DESC" : "ASC");
  const pattern = query.q ? `%${query.q}%` : null;
  const where = Prisma.sql`c."tenantId" = ${tenantId} AND ${tenantScopeSql(actor, Prisma.raw(`c."tenantId"`))}${
    pattern ? Prisma.sql` AND (c."name" LIKE ${pattern} OR c."imageRef" LIKE ${pattern})` : Prisma.empty
  }`;
  const { skip, take } = pageWindow(query);
  const page = await db.$queryRaw<PageRow[]>`
    SELECT c."id", c."tenantId", c."name", c."imageRef", c."status", c."memoryMb", c."cpuMillis", c."createdAt", c."createdByEmail",
      c."dockerId", c."exitCode", c."oomKilled", c."health", c."node", COUNT(*) OVER () AS "total"
    FROM "Container" c WHERE ${where}
    ORDER BY ${SORT_COLUMN[sort]} ${direction}, c."id" ASC
    LIMIT ${take} OFFSET ${skip}`;
  if (page.length === 0) {
    const [counted] = await db.$queryRaw<{ total: Int }[]>`SELECT COUNT(*) AS "total" FROM "Container" c WHERE ${where}`;
    return { rows: [], total: Number(counted?.total ?? 0) };
  }
  const ids = Prisma.join(page.map((r) => r.id));
  // Published ports and HTTPS routes of the page's rows in one statement; toContainerDto puts
  // them in container-port order.
  const ports = await db.$queryRaw<PortRow[]>`
    SELECT p."containerId", 'port' AS "kind", p."hostIp" AS "host", p."hostPort", p."protocol", p."containerPort"
    FROM "PortAllocation" p WHERE p."containerId" IN (${ids})
    UNION ALL
    SELECT r."containerId", 'route' AS "kind", r."hostName" AS "host", NULL AS "hostPort", NULL AS "protocol", r."containerPort"
    FROM "IngressRoute" r WHERE r."containerId" IN (${ids})
    ORDER BY "containerId", "kind", "containerPort", "protocol", "hostPort"`;
  const rows = new Map<string, ContainerPageRow>();
  for (const { total: _total, ...row } of page) rows.set(row.id, { ...row, oomKilled: Boolean(row.oomKilled), ports: [], routes: [] });
  for (const p of ports) {
    const row = rows.get(p.containerId);
    if (!row) continue;
    if (p.kind === "port")
      row.ports.push({ hostIp: p.host, hostPort: Number(p.hostPort), protocol: p.protocol ?? "", containerPort: p.containerPort });
    else row.routes.push({ hostName: p.host, containerPort: p.containerPort });
  }
  return { rows: [...rows.values()], total: Number(page[0]!.total) };
}
