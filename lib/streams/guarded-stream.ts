import "server-only";
import { PassThrough, type Readable } from "node:stream";
import type { StreamLease } from "@/lib/streams/open-streams";

/**
 * How often an open stream asks again whether its caller may still read it. The API
 * promises that disabling a user, revoking a token or removing a membership "takes effect
 * on the next request"; a stream is one request that lasts, so it re-asks at least this
 * often (the console's contract says at least every 30 s too). Each check is two small
 * indexed reads, so 30 s costs nothing measurable even with every slot in use.
 */
export const DEFAULT_RECHECK_MS = 30_000;

export function recheckIntervalMs(): number {
  const raw = process.env.BERTH_STREAM_RECHECK_MS;
  if (raw === undefined || raw === "") return DEFAULT_RECHECK_MS;
  const value = Number(raw);
  // Above 30 s would break the promise above; below 100 ms would be a busy loop on the database.
  if (!Number.isInteger(value) || value < 100 || value > DEFAULT_RECHECK_MS) {
    throw new Error(`BERTH_STREAM_RECHECK_MS must be a whole number of milliseconds from 100 to ${DEFAULT_RECHECK_MS}, got "${raw}"`);
  }
  return value;
}

/** A stream that can say why it ended (the SSE relay sends it as the `end` event's data). */
export interface EndingStream extends Readable {
  endReason?: string;
}

export interface GuardOptions {
  /** The open-streams slot this stream holds; released on every way the stream ends. */
  lease: StreamLease;
  /** null while the caller may still read; otherwise why the access ended (shown to them). */
  recheck: () => Promise<string | null>;
  /** Why the stream ended when the source simply ran out (the container stopped); read when it does. */
  sourceEndReason: string | (() => string);
  signal?: AbortSignal;
  intervalMs?: number;
}

export const RECHECK_FAILED_REASON = "Berth could not re-check your access to this stream; reconnect to continue.";
export const SOURCE_FAILED_REASON = "The engine's stream broke off; reconnect to continue.";

/**
 * Relays `source` while the caller's access holds: re-checks it every interval and ends
 * the stream (with the reason) when it no longer does. Whatever ends the stream (the source
 * running out or failing, the client leaving, the re-check), the source is destroyed, the
 * timer stopped and the lease released exactly once.
 */
export function guardStream(source: Readable, options: GuardOptions): EndingStream {
  const out: PassThrough & EndingStream = new PassThrough();
  let checking = false;
  let finished = false;

  const finish = (reason: string) => {
    if (finished) return;
    finished = true;
    out.endReason = reason;
    clearInterval(timer);
    source.unpipe(out);
    source.destroy();
    out.end();
  };

  const timer = setInterval(() => {
    if (checking || finished) return;
    checking = true;
    options.recheck().then(
      (ended) => {
        checking = false;
        if (ended) finish(ended);
      },
      (error: unknown) => {
        checking = false;
        // Fail closed: a stream whose access cannot be confirmed does not go on.
        console.error("[streams] access re-check failed:", error instanceof Error ? error.message : error);
        finish(RECHECK_FAILED_REASON);
      },
    );
  }, options.intervalMs ?? recheckIntervalMs());
  // A stream alone must not keep the process (or a test run) alive.
  timer.unref();

  const cleanUp = () => {
    finished = true;
    clearInterval(timer);
    source.destroy();
    options.lease.release();
  };
  out.once("close", cleanUp);

  // Registered before pipe() so the reason is set before the relay sees the end.
  source.once("end", () => {
    if (finished) return;
    finished = true;
    out.endReason = typeof options.sourceEndReason === "function" ? options.sourceEndReason() : options.sourceEndReason;
    clearInterval(timer);
  });
  source.once("error", () => finish(SOURCE_FAILED_REASON));
  source.once("close", () => {
    // Destroyed without an end or error (e.g. the engine connection closed): end too.
    if (!finished) finish(SOURCE_FAILED_REASON);
  });
  if (options.signal?.aborted) out.destroy();
  options.signal?.addEventListener("abort", () => out.destroy(), { once: true });
  source.pipe(out);
  return out;
}
