import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { capBytes, DockerFrameDemuxer, downloadCutNotice } from "./logs";

function frame(stream: 1 | 2, payload: string): Buffer {
  const body = Buffer.from(payload, "utf8");
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

async function collect(stream: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of stream) out.push(chunk as Buffer);
  return Buffer.concat(out);
}

describe("DockerFrameDemuxer", () => {
  it("joins stdout and stderr payloads, whatever the chunking (headers split included)", async () => {
    const all = Buffer.concat([frame(1, "out 1\n"), frame(2, "err é\n"), frame(1, ""), frame(1, "x".repeat(70_000))]);
    const expected = "out 1\nerr é\n" + "x".repeat(70_000);
    for (const size of [1, 3, 7, 8, 9, 64 * 1024, all.length]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < all.length; at += size) chunks.push(all.subarray(at, at + size));
      expect((await collect(Readable.from(chunks).pipe(new DockerFrameDemuxer()))).toString("utf8")).toBe(expected);
    }
  });
});

describe("capBytes", () => {
  it("passes a short log through untouched", async () => {
    const source = Readable.from([Buffer.from("a\nb\n")]);
    expect((await collect(capBytes(source, 100, () => undefined))).toString()).toBe("a\nb\n");
  });

  it("cuts after the last whole line before the cap, adds the notice and stops the source", async () => {
    const source = new PassThrough();
    let stopped = false;
    const capped = capBytes(source, 10, () => (stopped = true));
    const text = collect(capped);
    source.write("1234\n");
    source.write("5678\n9012\n");
    source.write("never\n");
    source.end();
    expect((await text).toString()).toBe("1234\n5678\n" + downloadCutNotice(10));
    expect(stopped).toBe(true);
  });
});
