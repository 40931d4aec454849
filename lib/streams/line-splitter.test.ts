import { describe, expect, it } from "vitest";
import { LineSplitter, MAX_LINE_LENGTH } from "./line-splitter";

/** Everything a splitter emits for these chunks, the unfinished tail included. */
function splitAll(chunks: string[], max?: number): string[] {
  const splitter = new LineSplitter(max);
  const lines = chunks.flatMap((chunk) => splitter.push(chunk));
  const rest = splitter.end();
  return rest === null ? lines : [...lines, rest];
}

describe("LineSplitter", () => {
  it("splits on newlines across chunk boundaries and drops a CR before LF", () => {
    expect(splitAll(["ab", "c\nde", "f\r\n", "\n", "gh"])).toEqual(["abc", "def", "", "gh"]);
    expect(splitAll(["one\ntwo\n"])).toEqual(["one", "two"]);
    expect(splitAll([""])).toEqual([]);
  });

  it("keeps a line of exactly the cap whole and cuts a longer one at the cap", () => {
    expect(splitAll(["abcd\n"], 4)).toEqual(["abcd"]);
    expect(splitAll(["abcd", "\n"], 4)).toEqual(["abcd"]);
    expect(splitAll(["abcdefghij\nk"], 4)).toEqual(["abcd", "efgh", "ij", "k"]);
    expect(splitAll(["ab", "cd", "ef", "gh", "i"], 4)).toEqual(["abcd", "efgh", "i"]);
  });

  it("loses and repeats nothing: the pieces put back together are the input", () => {
    // Random text with occasional newlines, fed in random chunk sizes, against several caps.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const cap of [2, 3, 16, 100]) {
      let text = "";
      for (let i = 0; i < 5000; i++) text += random() < 0.02 ? "\n" : String.fromCharCode(97 + Math.floor(random() * 26));
      const chunks: string[] = [];
      for (let at = 0; at < text.length;) {
        const size = 1 + Math.floor(random() * 300);
        chunks.push(text.slice(at, at + size));
        at += size;
      }
      const lines = splitAll(chunks, cap);
      expect(lines.every((line) => line.length <= cap)).toBe(true);
      expect(lines.join("")).toBe(text.replaceAll("\n", ""));
      // The same as cutting each input line into pieces of the cap, chunking aside.
      const expected = text.split("\n").flatMap((line, i, all) => {
        if (line === "") return i === all.length - 1 ? [] : [""];
        const pieces: string[] = [];
        for (let at = 0; at < line.length; at += cap) pieces.push(line.slice(at, at + cap));
        return pieces;
      });
      expect(lines).toEqual(expected);
    }
  });

  it("never cuts a surrogate pair in half", () => {
    const lines = splitAll(["ab😀cd"], 3);
    expect(lines).toEqual(["ab", "😀c", "d"]);
    expect(lines.join("")).toBe("ab😀cd");
  });

  it("splits a 10 MiB line without newline, in 64 KiB chunks, in well under a second", () => {
    const chunk = "x".repeat(64 * 1024);
    const chunks = 160; // 10 MiB
    const splitter = new LineSplitter();
    let emitted = 0;
    let count = 0;
    const started = performance.now();
    for (let i = 0; i < chunks; i++) {
      for (const line of splitter.push(chunk)) {
        emitted += line.length;
        count += 1;
      }
    }
    const rest = splitter.end();
    emitted += rest?.length ?? 0;
    count += rest === null ? 0 : 1;
    const elapsed = performance.now() - started;
    expect(emitted).toBe(chunks * chunk.length);
    expect(count).toBe((chunks * chunk.length) / MAX_LINE_LENGTH);
    expect(elapsed).toBeLessThan(500);
  });

  it("also stays linear when the chunks are tiny (the old code re-split the whole line per chunk)", () => {
    const splitter = new LineSplitter();
    const started = performance.now();
    let emitted = 0;
    for (let i = 0; i < 200_000; i++) for (const line of splitter.push("0123456789abcdef")) emitted += line.length;
    emitted += splitter.end()?.length ?? 0;
    expect(emitted).toBe(200_000 * 16);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
