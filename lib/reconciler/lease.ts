import "server-only";
import { db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/prisma-errors";

/**
 * Takes or renews a named lease for `holder`. One conditional write decides it, so two
 * portal processes can never both believe they hold it (on SQLite and on PostgreSQL).
 */
export async function tryLease(name: string, holder: string, ttlMs: number, now = new Date()): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  const { count } = await db.lease.updateMany({
    where: { name, OR: [{ holder }, { expiresAt: { lt: now } }] },
    data: { holder, expiresAt },
  });
  if (count === 1) return true;
  try {
    await db.lease.create({ data: { name, holder, expiresAt } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false; // someone else holds it
    throw error;
  }
}

export async function releaseLease(name: string, holder: string): Promise<void> {
  await db.lease.deleteMany({ where: { name, holder } });
}

export async function leaseHolder(name: string): Promise<{ holder: string; expiresAt: Date } | null> {
  const lease = await db.lease.findUnique({ where: { name } });
  return lease && lease.expiresAt > new Date() ? { holder: lease.holder, expiresAt: lease.expiresAt } : null;
}
