import "server-only";
import type { Tx } from "@/lib/db";
import type { Tenant } from "@/lib/generated/prisma/client";
import { assertFits } from "./fits";
import { quotaOf, type Usage } from "./quota";
import { usageOf } from "./usage";

/**
 * Checks a reservation against the tenant's quota inside the caller's transaction, which
 * must then write the reservation itself (the container or volume row) before it commits.
 *
 * The first statement is a write to the tenant row. On SQLite that takes the database's
 * write lock for the rest of the transaction (a deferred transaction that only read first
 * could interleave); on PostgreSQL it takes the tenant row's lock, the same as
 * SELECT … FOR UPDATE. Either way a second reservation for the tenant waits until the first
 * has committed its row, so two launches can never both see the last free slot. Returns
 * the tenant as locked, with its current limits.
 */
export async function reserveQuota(tx: Tx, tenantId: string, need: Partial<Usage>) {
  return (await reserveQuotaUsage(tx, tenantId, need)).tenant;
}

/**
 * reserveQuota, with the usage it checked: what the tenant held before this reservation.
 * Only what `need` asks for is checked (assertFits), so volumes are counted only when it
 * adds some; otherwise `used.volumes` is 0.
 */
export async function reserveQuotaUsage(tx: Tx, tenantId: string, need: Partial<Usage>) {
  // Plain SQL (UPDATE … RETURNING, as Prisma's own update sends it): every launch takes this
  // lock, and Prisma compiles each call anew (docs/benchmarks.md).
  const [tenant] = await tx.$queryRaw<Tenant[]>`
    UPDATE "Tenant" SET "reservationVersion" = "reservationVersion" + 1 WHERE "id" = ${tenantId} RETURNING *`;
  // Prisma's update threw here too: the caller read the tenant a moment ago.
  if (!tenant) throw new Error(`the tenant ${tenantId} to reserve for no longer exists`);
  const used = await usageOf(tx, tenantId, { volumes: Boolean(need.volumes) });
  assertFits(quotaOf(tenant), used, need);
  return { tenant, used };
}
