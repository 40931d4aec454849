import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { FEED_COLUMNS, findEvents } from "@/lib/services/activity";

export interface FeedEvent {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  reason: string | null;
}

/**
 * Recent events of one tenant, for its dashboard and container pages: admins, operators
 * and the tenant's owners (api-v1.md). Optionally only those about one target. Reads
 * through the activity query module, so the scope rules are the activity screen's.
 */
export async function recentTenantActivity(
  actor: Actor,
  tenantId: string,
  options: { target?: string; since?: Date; limit?: number } = {},
): Promise<FeedEvent[]> {
  const { rows } = await findEvents(actor, { tenantId, target: options.target, from: options.since }, { limit: options.limit ?? 10 }, FEED_COLUMNS);
  return rows.map((e) => ({
    id: String(e.seq),
    at: e.at.toISOString(),
    actor: e.actorEmail ?? e.actorType,
    action: e.action,
    target: e.target,
    outcome: e.outcome,
    reason: e.reason,
  }));
}

export { canUseTenantActivity as canSeeTenantActivity } from "@/lib/services/activity";
