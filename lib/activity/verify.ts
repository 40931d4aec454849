import "server-only";
import { chainHash, GENESIS } from "@/lib/activity/chain";
import { auditKey, checkpointSignatureOk } from "@/lib/activity/checkpoints";
import { db, type Tx } from "@/lib/db";
import type { ChainCheckpoint } from "@/lib/generated/prisma/client";
import type { ChainVerification } from "@/lib/schemas/activity";

const BATCH = 2000;

/**
 * Walks the whole log in seq order, recomputing every hash and checking every link, and
 * names the first event that does not fit: one whose content was edited (its hash no
 * longer matches), or whose predecessor was removed or altered (its link points elsewhere).
 * Reads in keyset batches, so a million events never sit in memory at once.
 *
 * The chain proves the log is consistent with itself; the signed checkpoints
 * (lib/activity/checkpoints.ts) prove it is not shorter than it was: every checkpoint's
 * signature is checked, every event a checkpoint names must still be there with the same
 * hash, and after an archive the chain must go on from the archive's checkpoint. `client`
 * lets a test verify a copy.
 */
export async function verifyChain(client: Tx = db): Promise<ChainVerification> {
  const key = auditKey();
  const all = await client.chainCheckpoint.findMany({ orderBy: { id: "asc" } });
  const archive =
    all
      .filter((c) => c.archive !== null)
      .sort((a, b) => a.seq - b.seq)
      .at(-1) ?? null;
  const archivedThrough = archive?.seq ?? 0;
  const newest = all.at(-1);
  const checkpoints: ChainVerification["checkpoints"] = {
    checked: 0,
    signingKey: key !== null,
    ...(newest ? { newest: { at: newest.at.toISOString(), seq: newest.seq, reason: newest.reason } } : {}),
    ...(archive ? { archive: { at: archive.at.toISOString(), throughId: String(archive.seq), file: archive.archive ?? "" } } : {}),
  };
  let checked = 0;
  let unchained = 0;
  const result = (problem?: string, firstBrokenId?: string): ChainVerification => ({
    ok: !problem,
    checked,
    unchained,
    ...(firstBrokenId ? { firstBrokenId } : {}),
    ...(problem ? { problem } : {}),
    checkpoints,
  });

  // Without the key nothing can tell a forged checkpoint from a real one; the chain is still checked.
  if (key) {
    const forged = all.find((c) => !checkpointSignatureOk(key, c));
    if (forged)
      return result(`checkpoint ${forged.id} (${forged.reason}, ${forged.at.toISOString()}) has no valid signature: it was forged or altered`);
  }
  // Checkpoints that name an event still in the database, by seq.
  const named = new Map<number, ChainCheckpoint[]>();
  for (const c of all) if (c.archive === null && c.seq > archivedThrough) named.set(c.seq, [...(named.get(c.seq) ?? []), c]);

  let expectedPrev: string | null = archive ? archive.hash : null;
  let after = archivedThrough;
  let head: { id: string; hash: string } | undefined;
  let lastSeq = archivedThrough;
  for (;;) {
    const rows = await client.activityEvent.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: BATCH });
    for (const row of rows) {
      const id = String(row.seq);
      lastSeq = row.seq;
      // Events from before the chain existed may only precede the first chained event.
      if (expectedPrev === null && row.hash === "" && row.prevHash === null) {
        unchained++;
        continue;
      }
      checked++;
      const link = expectedPrev ?? GENESIS;
      if (row.prevHash !== link) {
        const what =
          archive && expectedPrev === archive.hash ? "it does not follow the archive's checkpoint" : "its link does not match the event before it";
        return result(`${what} (an event was removed, inserted or reordered)`, id);
      }
      if (chainHash(row.prevHash, row) !== row.hash) return result("its content does not match its hash (the event was edited)", id);
      for (const c of named.get(row.seq) ?? []) {
        checkpoints.checked++;
        if (c.hash !== row.hash)
          return result(`checkpoint ${c.id} of ${c.at.toISOString()} names another hash for this event: the log was rewritten`, id);
      }
      expectedPrev = row.hash;
      head = { id, hash: row.hash };
    }
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) break;
    after = last.seq;
  }
  const beyond = all.filter((c) => c.archive === null && c.seq > lastSeq).at(-1);
  if (beyond) {
    return result(
      `the newest events were removed: checkpoint ${beyond.id} (${beyond.reason}, ${beyond.at.toISOString()}) names event ${beyond.seq}, but the log ends at ${lastSeq || "nothing"}`,
    );
  }
  if (archive) checkpoints.checked++;
  return { ...result(), ...(head ? { head } : {}) };
}
