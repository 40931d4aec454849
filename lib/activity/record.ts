import "server-only";
import type { Actor, ClientInfo } from "@/lib/auth/actor";
import type { ActionName } from "@/lib/activity/actions";
import { chainHash, GENESIS, type ChainedContent } from "@/lib/activity/chain";
import { latestArchive } from "@/lib/activity/checkpoints";
import { redact, redactString } from "@/lib/activity/redact";
import { db, type Tx } from "@/lib/db";
import { isUniqueViolation } from "@/lib/prisma-errors";

export type Outcome = "allowed" | "denied" | "failed";

/** Who an event is attributed to when no signed-in Actor exists (a failed sign-in, the reconciler). */
export type EventActor = Actor | { kind: "system"; client?: ClientInfo } | { kind: "anonymous"; userId?: string; email?: string; client: ClientInfo };

export interface ActivityInput {
  action: ActionName;
  outcome: Outcome;
  tenantId?: string | null;
  target?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

/** Details above this size are cut to a preview: one event must not bloat the log or a page. */
export const MAX_DETAILS_BYTES = 16 * 1024;
const PREVIEW_CHARS = 2000;
// Two writers in different processes can read the same head; the loser's insert hits the
// unique prevHash and retries on the new head. More than a few rounds means something else.
const MAX_APPEND_ATTEMPTS = 5;

/**
 * Appends one event to the hash chain. Pass the transaction of the change it records, so
 * the change and its record commit together (or neither does); a denial is recorded on its
 * own.
 *
 * Inside a caller's transaction the head is read in that same transaction, and SQLite
 * admits one writer at a time, so no other event can slip in between the read and the
 * insert. A conflict there (another process on a database that allows concurrent writers)
 * fails the caller's transaction: the action is refused rather than left unrecorded — it
 * cannot be retried here because the caller's earlier writes belong to the same
 * transaction. Outside a transaction the recorder owns the transaction and retries.
 */
export async function recordActivity(actor: EventActor, input: ActivityInput, tx: Tx = db) {
  const content = contentOf(actor, input);
  if (tx !== db) return append(tx, content);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction((t) => append(t, content));
    } catch (error) {
      if (attempt >= MAX_APPEND_ATTEMPTS || !isUniqueViolation(error, "prevHash")) throw error;
    }
  }
}

async function append(tx: Tx, content: Omit<ChainedContent, "at">) {
  const head =
    (await tx.activityEvent.findFirst({ orderBy: { seq: "desc" }, select: { hash: true, at: true } })) ??
    // Every event was archived: the chain goes on from the archive's checkpoint.
    (await latestArchive(tx));
  // Events from before the chain have hash "": the first chained event starts at GENESIS.
  const prevHash = head?.hash || GENESIS;
  // `at` never goes backwards along seq, even if the clock does: a time range is then a seq
  // range, which keeps time filters on the (…, seq) indexes.
  const now = new Date();
  const event: ChainedContent = { ...content, at: head && head.at > now ? head.at : now };
  return tx.activityEvent.create({ data: { ...event, prevHash, hash: chainHash(prevHash, event) } });
}

function contentOf(actor: EventActor, input: ActivityInput): Omit<ChainedContent, "at"> {
  const who =
    actor.kind === "user" || actor.kind === "token"
      ? { actorType: actor.kind, actorId: actor.userId, actorEmail: actor.email, actorRole: actor.role }
      : actor.kind === "anonymous"
        ? { actorType: "user", actorId: actor.userId ?? null, actorEmail: actor.email ?? null, actorRole: null }
        : { actorType: "system", actorId: null, actorEmail: null, actorRole: null };
  const client = actor.client;
  return {
    ...who,
    tenantId: input.tenantId ?? null,
    action: input.action,
    target: input.target ?? null,
    outcome: input.outcome,
    // Reasons quote what the caller sent (policy field messages): the same value scan applies.
    reason: input.reason == null ? null : redactString(input.reason),
    ip: client?.ip ?? null,
    userAgent: client?.userAgent ?? null,
    requestId: client?.requestId ?? null,
    details: detailsOf(actor, input.details),
  };
}

function detailsOf(actor: EventActor, details?: Record<string, unknown>): string | null {
  // A token's id (never the token) says which credential acted, for revocation after an incident.
  const merged = actor.kind === "token" ? { ...details, tokenId: actor.tokenId } : details;
  if (!merged) return null;
  const json = JSON.stringify(redact(merged));
  if (Buffer.byteLength(json) <= MAX_DETAILS_BYTES) return json;
  // Redacted before it is cut, so the preview holds no secret either.
  return JSON.stringify({ truncated: true, bytes: Buffer.byteLength(json), preview: json.slice(0, PREVIEW_CHARS) });
}
