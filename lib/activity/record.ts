import "server-only";
import type { Actor, ClientInfo } from "@/lib/auth/actor";
import type { ActionName } from "@/lib/activity/actions";
import { chainHash, GENESIS, type ChainedContent } from "@/lib/activity/chain";
import { latestArchive } from "@/lib/activity/checkpoints";
import { GroupCommit, type RecordedEvent } from "@/lib/activity/group-commit";
import { redact, redactString } from "@/lib/activity/redact";
import { db, type Tx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
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
// A batch waits behind callers' transactions for the adapter's one-at-a-time lock; the
// default 2 s would fail a whole batch of callers under a burst of commands.
const BATCH_MAX_WAIT_MS = 10_000;

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
 * transaction.
 *
 * On its own, the event joins the group commit (lib/activity/group-commit.ts): it is
 * appended with whatever else is queued in one transaction the recorder owns and retries,
 * and this resolves once that transaction has committed.
 */
export async function recordActivity(actor: EventActor, input: ActivityInput, tx: Tx = db): Promise<RecordedEvent> {
  const content = contentOf(actor, input);
  if (tx !== db) return (await append(tx, [content]))[0];
  return writer.enqueue(content);
}

/** Appends in a transaction of its own, again on a new head when another process won the race. */
async function appendAlone(contents: Omit<ChainedContent, "at">[]): Promise<RecordedEvent[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction((t) => append(t, contents), { maxWait: BATCH_MAX_WAIT_MS });
    } catch (error) {
      if (attempt >= MAX_APPEND_ATTEMPTS || !isUniqueViolation(error, "prevHash")) throw error;
    }
  }
}

const writer = new GroupCommit(appendAlone);

/**
 * Chains `contents` in order onto the head `tx` sees, inserts them, and returns where each
 * landed. Plain SQL (bound values, nothing of SQLite's dialect: it moves with the schema)
 * rather than findFirst and createMany: for this one hot path Prisma's query compiler and
 * argument mapping cost more CPU than SQLite's own work (bench item 4), and group commit
 * makes the batch, not the event, the unit. The adapter binds `at` as it does for Prisma's
 * own writes.
 */
async function append(tx: Tx, contents: Omit<ChainedContent, "at">[]): Promise<RecordedEvent[]> {
  const [newest] = await tx.$queryRaw<
    { seq: number; hash: string; at: Date }[]
  >`SELECT "seq", "hash", "at" FROM "ActivityEvent" ORDER BY "seq" DESC LIMIT 1`;
  // Every event was archived: the chain goes on from the archive's checkpoint.
  const head = newest ?? (await latestArchive(tx));
  // Events from before the chain have hash "": the first chained event starts at GENESIS.
  let prevHash = head?.hash || GENESIS;
  // `at` never goes backwards along seq, even if the clock does: a time range is then a seq
  // range, which keeps time filters on the (…, seq) indexes.
  const now = new Date();
  const at = head && head.at > now ? head.at : now;
  const rows = contents.map((content) => {
    const event: ChainedContent = { ...content, at };
    const row = { ...event, prevHash, hash: chainHash(prevHash, event) };
    prevHash = row.hash;
    return row;
  });
  const stored = await tx.$queryRaw<
    { seq: number; hash: string }[]
  >`INSERT INTO "ActivityEvent" ("at", "actorType", "actorId", "actorEmail", "actorRole", "tenantId", "action", "target", "outcome", "reason", "ip", "userAgent", "requestId", "details", "prevHash", "hash") VALUES ${Prisma.join(
    rows.map(
      (r) =>
        Prisma.sql`(${r.at}, ${r.actorType}, ${r.actorId}, ${r.actorEmail}, ${r.actorRole}, ${r.tenantId}, ${r.action}, ${r.target}, ${r.outcome}, ${r.reason}, ${r.ip}, ${r.userAgent}, ${r.requestId}, ${r.details}, ${r.prevHash}, ${r.hash})`,
    ),
  )} RETURNING "seq", "hash"`;
  // RETURNING promises no order: each caller gets its own event back by its (unique) hash.
  const seqOf = new Map(stored.map((s) => [s.hash, Number(s.seq)]));
  return rows.map((r) => {
    const seq = seqOf.get(r.hash);
    if (seq === undefined) throw new Error("the insert did not return every appended event");
    return { seq, hash: r.hash, at };
  });
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
