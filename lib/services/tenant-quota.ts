import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { recordActivity } from "@/lib/activity/record";
import { requireRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { columnsOf, quotaOf, type Quota } from "@/lib/quota/quota";
import { recordRefusal } from "@/lib/services/denials";
import { quotaInputSchema, type QuotaInput } from "@/lib/schemas/quota";
import { parseInput } from "@/lib/validation";

/**
 * Sets a tenant's quota (admins only), recorded as `quota.update` with the old and new
 * values in the same transaction. A quota below current usage is accepted on purpose:
 * nothing running is stopped; the tenant shows as over quota and new launches, starts and
 * volumes are refused until usage drops (lib/quota/reserve.ts).
 */
export async function setTenantQuota(actor: Actor, tenantId: string, input: unknown): Promise<Quota> {
  const event = { action: "quota.update", tenantId, details: { input: input as Record<string, unknown> } };
  let given: QuotaInput;
  try {
    requireRole(actor, "admin");
    given = parseInput(quotaInputSchema, input);
  } catch (error) {
    throw await recordRefusal(actor, event, error);
  }
  return db.$transaction(async (tx) => {
    // Through the same lock as reservations, so a launch checks either the old or the new quota.
    const locked = await tx.tenant.updateMany({ where: { id: tenantId }, data: { reservationVersion: { increment: 1 } } });
    if (!locked.count) throw notFound("Tenant");
    const current = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const before = quotaOf(current);
    const after: Quota = {
      ...given,
      maxContainerMemoryMb: given.maxContainerMemoryMb ?? before.maxContainerMemoryMb,
      maxContainerCpuMillis: given.maxContainerCpuMillis ?? before.maxContainerCpuMillis,
    };
    const saved = await tx.tenant.update({ where: { id: tenantId }, data: columnsOf(after) });
    await recordActivity(actor, { action: "quota.update", outcome: "allowed", tenantId, target: `tenant:${saved.slug}`, details: { before, after } }, tx);
    return quotaOf(saved);
  });
}
