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
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        clearInterval(keepAlive);
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      keepAlive = setInterval(() => controller.enqueue(encoder.encode(": keep-alive\n\n")), 15_000);
      controller.enqueue(encoder.encode("retry: 3000\n\n"));
      source.on("data", (chunk: Buffer) => {
        pending += chunk.toString("utf8");
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) controller.enqueue(encoder.encode(`data: ${line.replace(/\r$/, "")}\n\n`));
      });
      source.on("end", () => {
        if (pending) controller.enqueue(encoder.encode(`data: ${pending}\n\n`));
        controller.enqueue(encoder.encode("event: end\ndata: \n\n"));
        close();
      });
      source.on("error", close);
      signal.addEventListener("abort", () => {
        source.destroy();
        close();
      });
    },
    cancel() {
      clearInterval(keepAlive);
      source.destroy();
    },
  });
}
