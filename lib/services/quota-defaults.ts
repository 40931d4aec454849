import "server-only";
import { requestSummary } from "@/lib/activity/request-summary";
import type { Actor } from "@/lib/auth/actor";
import { requireRole } from "@/lib/authz";
import { config } from "@/lib/config";
import { db, type Tx } from "@/lib/db";
import { columnsOf, quotaOf, type Quota, type QuotaColumns } from "@/lib/quota/quota";
import { command } from "@/lib/services/command";
import { quotaDefaultsInputSchema } from "@/lib/schemas/quota";
import { parseInput } from "@/lib/validation";

/** The single QuotaDefaults row (the table holds at most one, id 1). */
const ROW = 1;

/**
 * The limits a new tenant starts with. Until an admin saves defaults, the tenant limits are
 * the schema's column defaults and the per-container maxima come from the environment
 * (BERTH_MAX_CONTAINER_MEMORY_MB / _CPU_MILLIS), so an operator can set them before first run.
 */
export async function quotaDefaultColumns(tx: Tx = db): Promise<QuotaColumns> {
  const row = await tx.quotaDefaults.findUnique({ where: { id: ROW } });
  // Only the limit columns: the row's id and audit fields must not travel into a Tenant.
  if (row) return columnsOf(quotaOf(row));
  const cfg = config();
  return {
    maxContainers: 10,
    maxMemoryMb: 2048,
    maxCpuMillis: 4000,
    maxVolumes: 10,
    containerMaxMemoryMb: cfg.maxMemoryMb,
    containerMaxCpuMillis: cfg.maxCpuMillis,
  };
}

export async function getQuotaDefaults(actor: Actor): Promise<Quota> {
  requireRole(actor, "admin", "operator");
  return quotaOf(await quotaDefaultColumns());
}

/** Changes what new tenants get; existing tenants keep their quota. Admins only; recorded. */
export const setQuotaDefaults = command(
  "quota.defaults.update",
  async (cmd, input: unknown): Promise<Quota> => {
    requireRole(cmd.actor, "admin");
    const quota = parseInput(quotaDefaultsInputSchema, input);
    const { after } = await cmd.commit(
      async (tx) => {
        const before = quotaOf(await quotaDefaultColumns(tx));
        const data = { ...columnsOf(quota), updatedById: cmd.actor.userId };
        const saved = await tx.quotaDefaults.upsert({ where: { id: ROW }, create: { id: ROW, ...data }, update: data });
        return { before, after: quotaOf(saved) };
      },
      (change) => ({ details: change }),
    );
    return after;
  },
  ([input]) => ({ target: "quota-defaults", details: { request: requestSummary(input) } }),
);
