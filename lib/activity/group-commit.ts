import "server-only";
import type { ChainedContent } from "@/lib/activity/chain";

/** What a caller learns of its stored event: where it sits in the chain. */
export interface RecordedEvent {
  seq: number;
  hash: string;
  at: Date;
}

/** One event waiting for the writer, and the caller awaiting its commit. */
interface Pending {
  content: Omit<ChainedContent, "at">;
  resolve: (row: RecordedEvent) => void;
  reject: (error: unknown) => void;
}

/** Appends events, in order, in one transaction of its own. */
export type AppendBatch = (contents: Omit<ChainedContent, "at">[]) => Promise<RecordedEvent[]>;

// Rows per transaction: 16 bound values each keeps one INSERT well under SQLite's 32 766
// variables, and a batch this size commits in a few milliseconds, so no caller waits long
// behind others.
export const MAX_BATCH = 500;

/**
 * Group commit for events recorded on their own (refusals, the reconciler's events, a
 * console's close): a single writer takes whatever is queued, appends it in queue order in
 * ONE transaction (one head read, one insert, one commit and its fsync for the lot) and
 * settles each caller's promise when that transaction has committed. Events that arrive
 * while a batch commits form the next batch, so a lone event waits for no timer, and a
 * burst of callers costs one transaction per batch instead of one each: the commit, not
 * the event, is what SQLite's single writer pays for.
 *
 * The chain stays strict: a batch reads the head inside its transaction, and transactions
 * never interleave (the driver adapter admits one at a time per process, SQLite one writer
 * per file; prevHash is unique besides), so a batch and a command's own transaction each
 * extend the head the other left.
 *
 * Each caller gets its own outcome: if a batch fails as a whole, its events are appended
 * again one by one, so an error reaches only the caller whose event caused it (a failure
 * of the database itself reaches each of them, as it did with a transaction per event).
 */
export class GroupCommit {
  private readonly queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly append: AppendBatch,
    private readonly maxBatch = MAX_BATCH,
  ) {}

  /** Resolves with the stored event once the transaction holding it has committed. */
  enqueue(content: Omit<ChainedContent, "at">): Promise<RecordedEvent> {
    return new Promise<RecordedEvent>((resolve, reject) => {
      this.queue.push({ content, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // setImmediate rather than at once: callers of the same tick share the first batch.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.commit(batch);
      }
    } finally {
      this.scheduled = false;
      // An enqueue that landed after the loop's last check and before this point.
      if (this.queue.length) {
        this.scheduled = true;
        setImmediate(() => void this.drain());
      }
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      const rows = await this.append(batch.map((p) => p.content));
      batch.forEach((p, i) => p.resolve(rows[i]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      for (const p of batch) {
        try {
          const [row] = await this.append([p.content]);
          p.resolve(row);
        } catch (own) {
          p.reject(own);
        }
      }
    }
  }
}
