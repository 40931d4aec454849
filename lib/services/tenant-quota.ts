import "server-only";
import { requestSummary } from "@/lib/activity/request-summary";
import { requireRole } from "@/lib/authz";
import { notFound } from "@/lib/errors";
import { columnsOf, quotaOf, type Quota } from "@/lib/quota/quota";
import { command } from "@/lib/services/command";
import { quotaInputSchema } from "@/lib/schemas/quota";
import { parseInput } from "@/lib/validation";

/**
 * Sets a tenant's quota (admins only), recorded as `quota.update` with the old and new
 * values in the same transaction. A quota below current usage is accepted on purpose:
 * nothing running is stopped; the tenant shows as over quota and new launches, starts and
 * volumes are refused until usage drops (lib/quota/reserve.ts).
 */
export const setTenantQuota = command(
  "quota.update",
  async (cmd, tenantId: string, input: unknown): Promise<Quota> => {
    requireRole(cmd.actor, "admin");
    const given = parseInput(quotaInputSchema, input);
    const saved = await cmd.commit(
      async (tx) => {
        // Through the same lock as reservations, so a launch checks either the old or the new quota.
        const locked = await tx.tenant.updateMany({ where: { id: tenantId }, data: { reservationVersion: { increment: 1 } } });
        if (!locked.count) throw notFound("Tenant");
        const before = quotaOf(await tx.tenant.findUniqueOrThrow({ where: { id: tenantId } }));
        const after: Quota = {
          ...given,
          maxContainerMemoryMb: given.maxContainerMemoryMb ?? before.maxContainerMemoryMb,
          maxContainerCpuMillis: given.maxContainerCpuMillis ?? before.maxContainerCpuMillis,
        };
        return { before, tenant: await tx.tenant.update({ where: { id: tenantId }, data: columnsOf(after) }) };
      },
      ({ before, tenant }) => ({ target: `tenant:${tenant.slug}`, details: { before, after: quotaOf(tenant) } }),
    );
    return quotaOf(saved.tenant);
  },
  ([tenantId, input]) => ({ tenantId, details: { request: requestSummary(input) } }),
);
