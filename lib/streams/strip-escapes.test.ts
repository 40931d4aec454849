import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { stripEscapes, stripEscapesStream } from "./strip-escapes";

async function throughStream(chunks: Buffer[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(chunks).pipe(stripEscapesStream())) out.push(chunk as Buffer);
  return Buffer.concat(out).toString("utf8");
}

describe("stripEscapes", () => {
  it.each([
    ["plain text, tabs and newlines", "a\tb\nc\n", "a\tb\nc\n"],
    ["SGR colours", "\x1b[31mred\x1b[0m and \x1b[1;38;5;208mbold\x1b[m", "red and bold"],
    ["cursor moves and erases", "\x1b[2J\x1b[H\x1b[10;20Hx\x1b[K\x1b[?25l", "x"],
    ["CRLF becomes LF, a bare CR is removed", "one\r\ntwo\rthree\n", "one\ntwothree\n"],
    ["OSC title with BEL", "\x1b]0;pwned\x07after", "after"],
    ["OSC 52 clipboard with ST", "\x1b]52;c;ZWNobyBoaQ==\x1b\\after", "after"],
    ["OSC 8 hyperlink keeps its text", "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"],
    ["DCS, SOS, PM, APC strings", "\x1bPq#0;2;0;0;0\x1b\\a\x1bXsos\x1b\\b\x1b^pm\x1b\\c\x1b_apc\x1b\\d", "abcd"],
    ["two- and three-character ESC sequences", "\x1b7x\x1b8\x1bcy\x1b(Bz\x1b#8", "xyz"],
    ["8-bit CSI and OSC", "\u009b31mred\u009d0;title\u0007ok", "redok"],
    ["other C0, DEL and C1 controls", "a\x00b\x07c\x08d\x7fe\u0085f\x0bg\x0ch", "abcdefgh"],
    ["an unterminated OSC ends at the newline", "\x1b]0;never ends\nnext line\n", "\nnext line\n"],
    ["an unterminated CSI ends at the newline", "\x1b[12\nrest", "\nrest"],
    ["an ESC inside a string starts a new sequence", "\x1b]0;t\x1b[31mred", "red"],
    ["a trailing lone ESC is dropped", "end\x1b", "end"],
    ["unicode text stays", "héllo — 日本 😀\n", "héllo — 日本 😀\n"],
  ])("%s", (_name, input, expected) => {
    expect(stripEscapes(input)).toBe(expected);
  });

  it("strips sequences split across chunks, UTF-8 characters split across chunks included", async () => {
    const input = Buffer.from("\x1b[31mré😀d\x1b[0m\n\x1b]0;title\x07ok\n", "utf8");
    // Every split point, one byte at a time and in two halves.
    expect(await throughStream([...input].map((b) => Buffer.from([b])))).toBe("ré😀d\nok\n");
    for (let cut = 1; cut < input.length; cut++) {
      expect(await throughStream([input.subarray(0, cut), input.subarray(cut)])).toBe("ré😀d\nok\n");
    }
  });

  it("is linear: 4 times the text takes about 4 times as long, not 16", () => {
    // Compared with itself in the same run rather than against a wall-clock budget, so a
    // loaded machine slows both sizes alike; the fastest of three runs of each drops stalls.
    const line = "\x1b[32mINFO\x1b[0m request served in 3ms\n";
    const textOf = (mib: number) => line.repeat(Math.ceil((mib * 2 ** 20) / line.length));
    const fastest = (text: string) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        stripEscapes(text);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    const [small, large] = [textOf(4), textOf(16)];
    fastest(textOf(1)); // compiled before either is timed
    const ratio = fastest(large) / fastest(small);
    expect(ratio, `16 MiB took ${ratio.toFixed(1)} times as long as 4 MiB`).toBeLessThan(8);
    expect(stripEscapes(large).length).toBe((large.length / line.length) * "INFO request served in 3ms\n".length);
  });
});
