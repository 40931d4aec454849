import { createHash } from "node:crypto";

/**
 * The hash chain over the activity log. Each event stores
 *   hash = sha256(prevHash + canonical(content))
 * where prevHash is the hash of the event before it in `seq` order, and the very first
 * chained event links to GENESIS. Editing an event changes its hash; deleting or inserting
 * one breaks the next event's link. prevHash is unique in the schema, so two writers can
 * never both extend the chain from the same event.
 *
 * Events written before the chain existed (migration 20261128020000) have hash "" and no
 * prevHash; they can only precede the first chained event, never follow it.
 */

/** What the first chained event links to: 64 zeros, the length of a real link. */
export const GENESIS = "0".repeat(64);

/** The fields an event's hash covers: everything it says, in a fixed order. */
export interface ChainedContent {
  at: Date;
  actorType: string;
  actorId: string | null;
  actorEmail: string | null;
  actorRole: string | null;
  tenantId: string | null;
  action: string;
  target: string | null;
  outcome: "allowed" | "denied" | "failed";
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: string | null;
}

/**
 * A JSON array in a fixed field order: unambiguous (no value can imitate a separator) and
 * independent of object key order, so the verifier recomputes exactly what the writer hashed.
 */
export function canonicalContent(e: ChainedContent): string {
  return JSON.stringify([
    e.at.toISOString(),
    e.actorType,
    e.actorId,
    e.actorEmail,
    e.actorRole,
    e.tenantId,
    e.action,
    e.target,
    e.outcome,
    e.reason,
    e.ip,
    e.userAgent,
    e.requestId,
    e.details,
  ]);
}

export function chainHash(prevHash: string, content: ChainedContent): string {
  return createHash("sha256").update(prevHash).update(canonicalContent(content)).digest("hex");
}
