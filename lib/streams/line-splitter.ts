/**
 * The longest line a log stream relays as one piece, in UTF-16 code units. A container can
 * print without newlines for as long as it likes; holding that as one unfinished line grows
 * memory without bound and makes every later chunk pay for it. Docker itself cuts log
 * messages at 16 KiB, so a longer line is already several messages on the engine's side.
 */
export const MAX_LINE_LENGTH = 16 * 1024;

/**
 * Splits text that arrives in chunks into lines, in time linear in the input: each chunk is
 * scanned once for "\n" and the unfinished line is kept as a list of pieces (joined only
 * when it completes), never as one string re-split on every chunk. An unfinished line that
 * reaches `maxLineLength` is emitted as a line of its own and the rest continues as the next
 * line: nothing is lost or repeated, only a line break is added.
 */
export class LineSplitter {
  private pieces: string[] = [];
  private pendingLength = 0;

  constructor(private readonly maxLineLength = MAX_LINE_LENGTH) {
    if (!Number.isInteger(maxLineLength) || maxLineLength < 2) throw new Error("maxLineLength must be an integer ≥ 2");
  }

  /** The lines this chunk completes, without their "\n" (and without a "\r" before it). */
  push(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    while (start <= text.length) {
      const newline = text.indexOf("\n", start);
      const end = newline === -1 ? text.length : newline;
      let from = start;
      // Cut only where the line would pass the cap; a line of exactly the cap that ends
      // with "\n" stays whole.
      while (this.pendingLength + (end - from) > this.maxLineLength) {
        let take = this.maxLineLength - this.pendingLength;
        // Never cut between the two halves of a surrogate pair (an emoji would become two
        // invalid characters).
        if (take > 0 && isHighSurrogate(text.charCodeAt(from + take - 1))) take -= 1;
        if (take > 0) this.keep(text.slice(from, from + take));
        lines.push(this.takePending());
        from += take;
      }
      if (from < end) this.keep(text.slice(from, end));
      if (newline === -1) break;
      const line = this.takePending();
      lines.push(line.endsWith("\r") ? line.slice(0, -1) : line);
      start = newline + 1;
    }
    return lines;
  }

  /** The unfinished line at the end of the input, if any. */
  end(): string | null {
    return this.pendingLength > 0 ? this.takePending() : null;
  }

  private keep(piece: string) {
    this.pieces.push(piece);
    this.pendingLength += piece.length;
  }

  private takePending(): string {
    const line = this.pieces.length === 1 ? this.pieces[0] : this.pieces.join("");
    this.pieces = [];
    this.pendingLength = 0;
    return line;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
