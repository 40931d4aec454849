import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { framedEventsAsEvents, logLinesAsEvents, SSE_BUFFER_BYTES } from "./sse";

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("logLinesAsEvents", () => {
  it("sends one event per line, UTF-8 split across chunks intact, and ends with the source's reason", async () => {
    const source = new PassThrough() as PassThrough & { endReason?: string };
    const events = logLinesAsEvents(source, new AbortController().signal);
    const bytes = Buffer.from("héllo\r\nwörld\npartial", "utf8");
    for (const b of bytes) source.write(Buffer.from([b]));
    source.endReason = "The API token that opened this stream was revoked.";
    source.end();
    expect(await readAll(events)).toBe(
      "retry: 3000\n\ndata: héllo\n\ndata: wörld\n\ndata: partial\n\nevent: end\ndata: The API token that opened this stream was revoked.\n\n",
    );
  });

  it("never lets a CR in the container's output start an SSE field of its own", async () => {
    const source = new PassThrough();
    const events = logLinesAsEvents(source, new AbortController().signal);
    source.end("x\revent: end\rdata: fake\n");
    const text = await readAll(events);
    expect(text).toContain("data: x event: end data: fake\n\n");
    expect(text.match(/^event: /gm)).toEqual(["event: "]);
  });

  it("pauses the source while the client does not read (a slow reader costs a bounded buffer)", async () => {
    const source = new PassThrough({ highWaterMark: 16 * 1024 });
    const events = logLinesAsEvents(source, new AbortController().signal);
    const line = Buffer.from("y".repeat(1023) + "\n");
    let written = 0;
    // Write until the source itself reports it is full: nothing reads the events.
    while (source.write(line) && written < 64 * 2 ** 20) written += line.length;
    expect(written).toBeLessThan(SSE_BUFFER_BYTES * 2 + 64 * 1024);
    expect(source.isPaused()).toBe(true);
    const reader = events.getReader();
    await reader.read();
    await reader.cancel();
    expect(source.destroyed).toBe(true);
  });
});

describe("framedEventsAsEvents", () => {
  it("relays whole events as written, UTF-8 split across chunks intact, then the end with the source's reason", async () => {
    const source = new PassThrough() as PassThrough & { endReason?: string };
    const events = framedEventsAsEvents(source, new AbortController().signal);
    const bytes = Buffer.from('event: state\ndata: {"id":"ä","status":"running"}\n\n', "utf8");
    for (const b of bytes) source.write(Buffer.from([b]));
    source.endReason = "The container was removed.";
    source.end();
    expect(await readAll(events)).toBe(
      'retry: 3000\n\nevent: state\ndata: {"id":"ä","status":"running"}\n\nevent: end\ndata: The container was removed.\n\n',
    );
  });
});
