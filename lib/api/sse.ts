import "server-only";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { LineSplitter } from "@/lib/streams/line-splitter";
import type { EndingStream } from "@/lib/streams/guarded-stream";

const utf8 = new TextEncoder();

/**
 * How much encoded output may wait for a slow client before the source is paused. The
 * engine connection then waits too (backpressure), so a container printing faster than a
 * client reads costs this much memory per stream, not the whole burst.
 */
export const SSE_BUFFER_BYTES = 256 * 1024;

const KEEP_ALIVE_MS = 15_000;
const DEFAULT_END_REASON = "The log ended.";

/** One SSE field value: CR and LF both end a field in SSE, so neither may pass through. */
function fieldValue(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}

/** How a relay turns the source's chunks into SSE text, and what it sends once the source ends. */
interface EventEncoder {
  push(chunk: Buffer): string;
  end(): string;
}

/**
 * Turns a text stream into Server-Sent Events, one `data:` event per line (lines are cut
 * at the splitter's cap, in time linear in the input), with a comment every 15 s so proxies
 * keep an idle stream open. It ends with `event: end` whose data says why (the source's
 * `endReason`, e.g. access revoked), and stops when the client goes away.
 */
export function logLinesAsEvents(source: Readable, signal: AbortSignal): ReadableStream<Uint8Array> {
  const decoder = new StringDecoder("utf8");
  const splitter = new LineSplitter();
  // A CR inside a line would end the `data:` field and let the container's output write SSE
  // fields of its own (an `event: end` in its viewers' streams).
  const events = (lines: string[]) => lines.map((line) => `data: ${fieldValue(line)}\n\n`).join("");
  return relayAsEvents(source, signal, {
    push: (chunk) => events(splitter.push(decoder.write(chunk))),
    end: () => {
      const rest = splitter.push(decoder.end());
      const last = splitter.end();
      return events(last === null ? rest : [...rest, last]);
    },
  });
}

/**
 * The same relay for a source that writes whole SSE events itself (Berth's own code framing
 * JSON it built, never a container's output): relayed as they are, with the keep-alive,
 * backpressure and the closing `event: end` of the log stream.
 */
export function framedEventsAsEvents(source: Readable, signal: AbortSignal): ReadableStream<Uint8Array> {
  const decoder = new StringDecoder("utf8");
  return relayAsEvents(source, signal, { push: (chunk) => decoder.write(chunk), end: () => decoder.end() });
}

function relayAsEvents(source: Readable, signal: AbortSignal, encoder: EventEncoder): ReadableStream<Uint8Array> {
  let keepAlive: NodeJS.Timeout | undefined;
  let closed = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // The engine can still deliver a chunk after the client left: drop it, never throw.
        const send = (text: string) => {
          if (closed || !text) return;
          controller.enqueue(utf8.encode(text));
          if ((controller.desiredSize ?? 1) <= 0) source.pause();
        };
        const close = () => {
          if (closed) return;
          closed = true;
          clearInterval(keepAlive);
          controller.close();
        };
        const finish = (reason: string) => {
          send(encoder.end());
          send(`event: end\ndata: ${fieldValue(reason)}\n\n`);
          close();
        };
        keepAlive = setInterval(() => send(": keep-alive\n\n"), KEEP_ALIVE_MS);
        send("retry: 3000\n\n");
        source.on("data", (chunk: Buffer) => send(encoder.push(chunk)));
        source.on("end", () => finish((source as EndingStream).endReason ?? DEFAULT_END_REASON));
        source.on("error", () => finish("The stream broke off; reconnect to continue."));
        signal.addEventListener("abort", () => {
          source.destroy();
          close();
        });
      },
      pull() {
        // The client took what was queued: let the source flow again.
        if (source.isPaused()) source.resume();
      },
      cancel() {
        closed = true;
        clearInterval(keepAlive);
        source.destroy();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: SSE_BUFFER_BYTES }),
  );
}
