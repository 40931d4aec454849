import "server-only";
import type { Actor, ClientInfo } from "@/lib/auth/actor";
import { redact } from "@/lib/activity/redact";
import { db, type Tx } from "@/lib/db";

export type Outcome = "allowed" | "denied" | "failed";

/** Who an event is attributed to when no signed-in Actor exists (a failed sign-in, the reconciler). */
export type EventActor =
  | Actor
  | { kind: "system"; client?: ClientInfo }
  | { kind: "anonymous"; userId?: string; email?: string; client: ClientInfo };

export interface ActivityInput {
  action: string;
  outcome: Outcome;
  tenantId?: string | null;
  target?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Appends one event. Pass the transaction of the change it records, so the change and its
 * record commit together; a denial is recorded on its own.
 */
export async function recordActivity(actor: EventActor, input: ActivityInput, tx: Tx = db) {
  const who =
    actor.kind === "user" || actor.kind === "token"
      ? {
          actorType: actor.kind,
          actorId: actor.userId,
          actorEmail: actor.email,
          actorRole: actor.role,
        }
      : actor.kind === "anonymous"
        ? { actorType: "user", actorId: actor.userId ?? null, actorEmail: actor.email ?? null, actorRole: null }
        : { actorType: "system", actorId: null, actorEmail: null, actorRole: null };
  const client = actor.client;
  return tx.activityEvent.create({
    data: {
      ...who,
      tenantId: input.tenantId ?? null,
      action: input.action,
      target: input.target ?? null,
      outcome: input.outcome,
      reason: input.reason ?? null,
      ip: client?.ip ?? null,
      userAgent: client?.userAgent ?? null,
      requestId: client?.requestId ?? null,
      details: detailsOf(actor, input.details),
    },
  });
}

function detailsOf(actor: EventActor, details?: Record<string, unknown>): string | null {
  // A token's id (never the token) says which credential acted, for revocation after an incident.
  const merged = actor.kind === "token" ? { ...details, tokenId: actor.tokenId } : details;
  return merged ? JSON.stringify(redact(merged)) : null;
}
