import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { GENESIS } from "@/lib/activity/chain";
import { db, type Tx } from "@/lib/db";
import type { ChainCheckpoint } from "@/lib/generated/prisma/client";

/**
 * Signed checkpoints of the chain's head. The chain proves the log agrees with itself; it
 * cannot show that the newest events were cut off, because what remains is still a valid
 * chain. A checkpoint names the head (seq and hash) at a moment, signed with a key that is
 * not in the database (BERTH_AUDIT_KEY): whoever can write the database file can drop
 * events but cannot write a checkpoint for the shorter log, and verify compares the log
 * with every checkpoint.
 */

export type CheckpointReason = "schedule" | "export" | "archive";

const MIN_KEY_LENGTH = 32;

/** The signing key, or null when none is configured (checkpoints are then not written). */
export function auditKey(): string | null {
  const key = process.env.BERTH_AUDIT_KEY ?? "";
  return key.length >= MIN_KEY_LENGTH ? key : null;
}

export function requireAuditKey(): string {
  const key = auditKey();
  if (!key) throw new Error(`BERTH_AUDIT_KEY is not set (at least ${MIN_KEY_LENGTH} characters): checkpoints and archives need it`);
  return key;
}

type Signed = Pick<ChainCheckpoint, "at" | "seq" | "hash" | "reason" | "archive">;

export function hmac(key: string, text: string): string {
  return createHmac("sha256", key).update(text).digest("hex");
}

/** A JSON array in a fixed order: no field can imitate another. */
function signedText(c: Signed): string {
  return JSON.stringify(["berth-checkpoint-v1", c.at.toISOString(), c.seq, c.hash, c.reason, c.archive ?? null]);
}

export function signCheckpoint(key: string, c: Signed): string {
  return hmac(key, signedText(c));
}

export function checkpointSignatureOk(key: string, c: Signed & { signature: string }): boolean {
  const expected = Buffer.from(signCheckpoint(key, c), "hex");
  const given = Buffer.from(c.signature, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The newest archive checkpoint: the chain in the database goes on from its hash. */
export async function latestArchive(tx: Tx = db): Promise<ChainCheckpoint | null> {
  return tx.chainCheckpoint.findFirst({ where: { archive: { not: null } }, orderBy: { seq: "desc" } });
}

/**
 * Signs and stores a checkpoint of the current head (inside the caller's transaction when
 * given, so it names exactly the head that transaction sees). Returns null without a key.
 */
export async function writeCheckpoint(reason: CheckpointReason, tx: Tx = db, archive?: { name: string; sha256: string; seq: number; hash: string }) {
  const key = auditKey();
  if (!key) return null;
  let seq: number;
  let hash: string;
  if (archive) {
    ({ seq, hash } = archive);
  } else {
    const head = await tx.activityEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
    const from = head ? null : await latestArchive(tx);
    seq = head?.seq ?? from?.seq ?? 0;
    hash = head?.hash || from?.hash || GENESIS;
  }
  const content: Signed = { at: new Date(), seq, hash, reason, archive: archive ? `${archive.name} sha256:${archive.sha256}` : null };
  return tx.chainCheckpoint.create({ data: { ...content, signature: signCheckpoint(key, content) } });
}

/** A checkpoint on a schedule, when the head moved since the newest one. */
export async function checkpointIfMoved(): Promise<void> {
  if (!auditKey()) return;
  const [head, newest] = await Promise.all([
    db.activityEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }),
    db.chainCheckpoint.findFirst({ orderBy: { id: "desc" }, select: { seq: true } }),
  ]);
  if (head && head.seq !== newest?.seq) await writeCheckpoint("schedule");
}

let timer: NodeJS.Timeout | undefined;

/** Started with the server (instrumentation.ts): every BERTH_CHECKPOINT_MINUTES (default 10). */
export function startCheckpoints(): void {
  if (timer || !auditKey()) return;
  const minutes = Number(process.env.BERTH_CHECKPOINT_MINUTES ?? 10);
  const run = () => checkpointIfMoved().catch((error: unknown) => console.error("[activity] checkpoint failed:", error));
  timer = setInterval(run, Math.max(1, minutes) * 60_000);
  timer.unref();
  void run();
}
