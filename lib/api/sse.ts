import "server-only";
import type { Readable } from "node:stream";

const encoder = new TextEncoder();

/**
 * Turns a text stream into Server-Sent Events, one `data:` event per line, with a comment
 * every 15 s so proxies keep an idle stream open. Stops when the client goes away.
 */
export function logLinesAsEvents(source: Readable, signal: AbortSignal): ReadableStream<Uint8Array> {
  let pending = "";
  let keepAlive: NodeJS.Timeout | undefined;
  let closed = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // The engine can still deliver a chunk after the client left: drop it, never throw.
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(keepAlive);
        controller.close();
      };
      keepAlive = setInterval(() => send(": keep-alive\n\n"), 15_000);
      send("retry: 3000\n\n");
      source.on("data", (chunk: Buffer) => {
        pending += chunk.toString("utf8");
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) send(`data: ${line.replace(/\r$/, "")}\n\n`);
      });
      source.on("end", () => {
        if (pending) send(`data: ${pending}\n\n`);
        send("event: end\ndata: \n\n");
        close();
      });
      source.on("error", close);
      signal.addEventListener("abort", () => {
        source.destroy();
        close();
      });
    },
    cancel() {
      closed = true;
      clearInterval(keepAlive);
      source.destroy();
    },
  });
}
