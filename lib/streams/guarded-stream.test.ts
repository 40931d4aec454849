import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { guardStream, RECHECK_FAILED_REASON, SOURCE_FAILED_REASON, type GuardOptions } from "./guarded-stream";

function setUp(recheck: GuardOptions["recheck"] = async () => null, signal?: AbortSignal) {
  const source = new PassThrough();
  let releases = 0;
  const out = guardStream(source, {
    lease: { release: () => (releases += 1) },
    recheck,
    sourceEndReason: "source ended",
    intervalMs: 20,
    signal,
  });
  const text: string[] = [];
  out.on("data", (chunk: Buffer) => text.push(chunk.toString()));
  const closed = new Promise<void>((resolve) => out.once("close", () => resolve()));
  return { source, out, text, closed, releases: () => releases };
}

describe("guardStream", () => {
  it("relays the source and ends with the source's reason; the lease is released once", async () => {
    const s = setUp();
    s.source.write("a\n");
    s.source.end("b\n");
    await s.closed;
    expect(s.text.join("")).toBe("a\nb\n");
    expect(s.out.endReason).toBe("source ended");
    expect(s.source.destroyed).toBe(true);
    expect(s.releases()).toBe(1);
  });

  it("ends with the re-check's reason once access ends", async () => {
    let allowed = true;
    const s = setUp(async () => (allowed ? null : "token revoked"));
    s.source.write("before\n");
    await new Promise((r) => setTimeout(r, 60));
    expect(s.out.readableEnded).toBe(false);
    allowed = false;
    await s.closed;
    expect(s.text.join("")).toBe("before\n");
    expect(s.out.endReason).toBe("token revoked");
    expect(s.source.destroyed).toBe(true);
    expect(s.releases()).toBe(1);
  });

  it("fails closed when the re-check itself fails", async () => {
    const s = setUp(async () => {
      throw new Error("database is locked");
    });
    await s.closed;
    expect(s.out.endReason).toBe(RECHECK_FAILED_REASON);
    expect(s.releases()).toBe(1);
  });

  it("ends when the source fails, and when the client goes away", async () => {
    const failed = setUp();
    failed.source.destroy(new Error("socket hang up"));
    await failed.closed;
    expect(failed.out.endReason).toBe(SOURCE_FAILED_REASON);
    expect(failed.releases()).toBe(1);

    const abort = new AbortController();
    const left = setUp(async () => null, abort.signal);
    abort.abort();
    await left.closed;
    expect(left.source.destroyed).toBe(true);
    expect(left.releases()).toBe(1);
  });
});
