import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { membershipRole, readsAllTenants } from "@/lib/authz";
import { db } from "@/lib/db";
import { forbidden } from "@/lib/errors";

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
 * and the tenant's owners (api-v1.md). Optionally only those about one target.
 */
export async function recentTenantActivity(actor: Actor, tenantId: string, options: { target?: string; since?: Date; limit?: number } = {}): Promise<FeedEvent[]> {
  if (!readsAllTenants(actor) && membershipRole(actor, tenantId) !== "owner") {
    throw forbidden("Only this tenant's owners can see its activity.");
  }
  const events = await db.activityEvent.findMany({
    where: { tenantId, ...(options.target ? { target: options.target } : {}), ...(options.since ? { at: { gte: options.since } } : {}) },
    orderBy: { seq: "desc" },
    take: options.limit ?? 10,
  });
  return events.map((e) => ({
    id: String(e.seq),
    at: e.at.toISOString(),
    actor: e.actorEmail ?? e.actorType,
    action: e.action,
    target: e.target,
    outcome: e.outcome,
    reason: e.reason,
  }));
}

export function canSeeTenantActivity(actor: Actor, tenantId: string): boolean {
  return readsAllTenants(actor) || membershipRole(actor, tenantId) === "owner";
}
