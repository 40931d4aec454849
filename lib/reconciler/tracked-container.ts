import "server-only";
import { db } from "@/lib/db";
import type { Container, Tenant } from "@/lib/generated/prisma/client";
import type { TrackedContainer } from "@/lib/reconciler/refresh-container";

/**
 * The row an engine event names, with its tenant, or null: Berth's id (a label) or the
 * engine's id. Plain SQL, as the launch reads its rows: Prisma compiles a model query anew on
 * every call (~1.5 ms of CPU for this one with its include, docs/benchmarks.md), and the
 * reconciler looks up a row for every event — five for a launch and its removal — on the
 * event loop that is serving the launch's own request.
 */
export async function trackedContainerFor(ref: { berthId?: string; dockerId?: string }): Promise<TrackedContainer | null> {
  const [row] = ref.berthId
    ? await db.$queryRaw<Container[]>`SELECT * FROM "Container" WHERE "id" = ${ref.berthId}`
    : await db.$queryRaw<Container[]>`SELECT * FROM "Container" WHERE "dockerId" = ${ref.dockerId ?? ""}`;
  if (!row) return null;
  const [tenant] = await db.$queryRaw<Tenant[]>`SELECT * FROM "Tenant" WHERE "id" = ${row.tenantId}`;
  return tenant ? { ...row, tenant } : null;
}
