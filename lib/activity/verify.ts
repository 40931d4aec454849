import "server-only";
import { chainHash, GENESIS } from "@/lib/activity/chain";
import { db, type Tx } from "@/lib/db";
import type { ChainVerification } from "@/lib/schemas/activity";

const BATCH = 2000;

/**
 * Walks the whole log in seq order, recomputing every hash and checking every link, and
 * names the first event that does not fit: one whose content was edited (its hash no
 * longer matches), or whose predecessor was removed or altered (its link points elsewhere).
 * Reads in keyset batches, so a million events never sit in memory at once.
 *
 * The chain proves the log is consistent with itself. Someone who can write the database
 * file can rewrite it and every hash after; comparing `head` with a copy kept elsewhere
 * (or anchoring it periodically) is what catches that. `client` lets a test verify a copy.
 */
export async function verifyChain(client: Tx = db): Promise<ChainVerification> {
  let expectedPrev: string | null = null;
  let checked = 0;
  let unchained = 0;
  let after = 0;
  let head: { id: string; hash: string } | undefined;
  for (;;) {
    const rows = await client.activityEvent.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: BATCH });
    for (const row of rows) {
      const id = String(row.seq);
      // Events from before the chain existed may only precede the first chained event.
      if (expectedPrev === null && row.hash === "" && row.prevHash === null) {
        unchained++;
        continue;
      }
      checked++;
      const link = expectedPrev ?? GENESIS;
      if (row.prevHash !== link)
        return {
          ok: false,
          checked,
          unchained,
          firstBrokenId: id,
          problem: "its link does not match the event before it (an event was removed, inserted or reordered)",
        };
      if (chainHash(row.prevHash, row) !== row.hash)
        return { ok: false, checked, unchained, firstBrokenId: id, problem: "its content does not match its hash (the event was edited)" };
      expectedPrev = row.hash;
      head = { id, hash: row.hash };
    }
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) break;
    after = last.seq;
  }
  return { ok: true, checked, unchained, ...(head ? { head } : {}) };
}
