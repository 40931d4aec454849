import "server-only";
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { finished } from "node:stream/promises";
import { GENESIS } from "@/lib/activity/chain";
import { auditKey, hmac, latestArchive, writeCheckpoint } from "@/lib/activity/checkpoints";
import { verifyChain } from "@/lib/activity/verify";
import { requireRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { ServiceError } from "@/lib/errors";
import { archiveInputSchema, type ArchiveResult } from "@/lib/schemas/activity";
import { command } from "@/lib/services/command";
import { parseInput } from "@/lib/validation";

const BATCH = 2000;

/** Where archives are written: BERTH_ARCHIVE_DIR, or data/archives beside the database. */
export function archiveDir(): string {
  return process.env.BERTH_ARCHIVE_DIR || path.join(process.cwd(), "data", "archives");
}

/**
 * Moves every event older than `before` out of the database into a signed JSON Lines file,
 * for retention without losing tamper evidence. Admins only; the chain must verify first
 * (an archive must not launder a broken log). The file holds the events exactly as stored
 * (with their links and hashes, so it can be re-verified on its own) and ends with a
 * signature line: the file's sha256 and an HMAC of it with the audit key. Then, in one
 * transaction, a signed archive checkpoint names the file and the last archived event, the
 * events are deleted (the database allows deleting only what an archive checkpoint covers),
 * and the archive is recorded; the chain in the database goes on from that checkpoint.
 */
export const archiveActivity = command("activity.archive", async (cmd, input: unknown): Promise<ArchiveResult> => {
  requireRole(cmd.actor, "admin");
  const { before } = parseInput(archiveInputSchema, input);
  const key = auditKey();
  if (!key) throw new ServiceError("conflict", "Archiving needs a signing key: set BERTH_AUDIT_KEY (32 characters or more) and restart.");
  const verified = await verifyChain();
  if (!verified.ok) throw new ServiceError("conflict", `The activity chain does not verify (${verified.problem}); nothing was archived.`);
  const from = await latestArchive();
  const fromSeq = from?.seq ?? 0;
  // `at` never decreases along seq (lib/activity/record.ts), so "older than" is a seq prefix.
  const last = await db.activityEvent.findFirst({ where: { at: { lt: before }, seq: { gt: fromSeq } }, orderBy: { seq: "desc" } });
  if (!last)
    throw new ServiceError("conflict", `No events before ${before.toISOString()} are left to archive.`, [
      { path: "before", message: "nothing older to archive" },
    ]);

  const first = await db.activityEvent.findFirst({ where: { seq: { gt: fromSeq } }, orderBy: { seq: "asc" }, select: { seq: true } });
  const name = `berth-activity-${first?.seq ?? last.seq}-${last.seq}.jsonl`;
  const dir = archiveDir();
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  const partial = `${file}.partial`;
  const sha = createHash("sha256");
  let events = 0;
  try {
    const out = createWriteStream(partial, { mode: 0o600 });
    const write = async (text: string) => {
      sha.update(text);
      if (!out.write(text)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    };
    for (let after = fromSeq; ;) {
      const rows = await db.activityEvent.findMany({ where: { seq: { gt: after, lte: last.seq } }, orderBy: { seq: "asc" }, take: BATCH });
      for (const row of rows) await write(JSON.stringify({ ...row, at: row.at.toISOString() }) + "\n");
      events += rows.length;
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1].seq;
    }
    const sha256 = sha.digest("hex");
    out.end(
      JSON.stringify({ type: "signature", events, firstPrevHash: from?.hash ?? GENESIS, lastHash: last.hash, sha256, hmac: hmac(key, sha256) }) +
        "\n",
    );
    await finished(out);
    await rename(partial, file);

    const checkpoint = await cmd.commit(
      async (tx) => {
        const saved = await writeCheckpoint("archive", tx, { name, sha256, seq: last.seq, hash: last.hash });
        if (!saved) throw new Error("the signing key went away during the archive");
        await tx.activityEvent.deleteMany({ where: { seq: { gt: fromSeq, lte: last.seq } } });
        return saved;
      },
      (saved) => ({ target: `archive:${name}`, details: { file: name, sha256, events, throughId: String(last.seq), checkpointId: saved.id } }),
    );
    return { file: name, sha256, events, throughId: String(last.seq), checkpointId: checkpoint.id };
  } catch (error) {
    // Nothing was deleted unless the transaction committed; a file without its checkpoint would only mislead.
    await rm(partial, { force: true });
    if (!cmd.state.committed) await rm(file, { force: true });
    throw error;
  }
});
