import { StringDecoder } from "node:string_decoder";
import { Transform } from "node:stream";

/**
 * Terminal control in a downloaded log is the container's voice inside the reader's
 * terminal: `cat logs.txt` would run its escape sequences (retitle the window, rewrite what
 * is on screen, hide lines, set the clipboard with OSC 52). The download therefore keeps
 * only text, "\n" and "\t"; `raw=true` gives the bytes as the engine stored them.
 *
 * Removed: ESC sequences (CSI `ESC [ … final`, OSC/DCS/SOS/PM/APC strings up to BEL or
 * `ESC \`, two- and three-character ESC sequences), their 8-bit C1 forms, every other C0
 * control (CR included, so CRLF becomes LF), DEL and the C1 controls U+0080–U+009F.
 * A control string that never terminates ends at the next newline: a stray `ESC ]` must not
 * swallow the rest of the log.
 */

const enum State {
  Ground,
  Escape,
  EscapeIntermediate,
  Csi,
  ControlString,
  ControlStringEscape,
}

const ESC = 0x1b;
const BEL = 0x07;
const NEWLINE = 0x0a;

/** Characters that need a look in the ground state: C0 except \t and \n, DEL, C1. */
const SPECIAL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** A stateful stripper: escape sequences may straddle the chunks it is given. */
export class EscapeStripper {
  private state = State.Ground;

  push(text: string): string {
    const out: string[] = [];
    let i = 0;
    while (i < text.length) {
      if (this.state === State.Ground) {
        SPECIAL.lastIndex = i;
        const found = SPECIAL.exec(text);
        const at = found ? found.index : text.length;
        if (at > i) out.push(text.slice(i, at));
        if (!found) break;
        this.enter(text.charCodeAt(at));
        i = at + 1;
        continue;
      }
      const code = text.charCodeAt(i);
      if (this.step(code)) {
        // The character ended the sequence without belonging to it: read it again as text.
        this.state = State.Ground;
        continue;
      }
      i += 1;
    }
    return out.join("");
  }

  /** Anything held at the end of the input (an unfinished sequence) is dropped. */
  end(): string {
    this.state = State.Ground;
    return "";
  }

  /** A special character met in the ground state. */
  private enter(code: number) {
    if (code === ESC) this.state = State.Escape;
    else if (code === 0x9b) this.state = State.Csi;
    else if (code === 0x9d || code === 0x90 || code === 0x98 || code === 0x9e || code === 0x9f) this.state = State.ControlString;
    // Any other C0/C1 control or DEL: dropped, stay in the ground state.
  }

  /** One character inside a sequence; true when it must be re-read in the ground state. */
  private step(code: number): boolean {
    switch (this.state) {
      case State.Escape:
        if (code === 0x5b)
          this.state = State.Csi; // [
        else if (code === 0x5d || code === 0x50 || code === 0x58 || code === 0x5e || code === 0x5f)
          this.state = State.ControlString; // ] P X ^ _
        else if (code === ESC) this.state = State.Escape;
        else if (code >= 0x20 && code <= 0x2f) this.state = State.EscapeIntermediate;
        else if (code >= 0x30 && code <= 0x7e)
          this.state = State.Ground; // ESC 7, ESC c, ESC M …
        else return true;
        return false;
      case State.EscapeIntermediate:
        if (code >= 0x20 && code <= 0x2f) return false;
        if (code >= 0x30 && code <= 0x7e) {
          this.state = State.Ground; // ESC ( B and the like
          return false;
        }
        return true;
      case State.Csi:
        if (code >= 0x20 && code <= 0x3f) return false; // parameters and intermediates
        if (code >= 0x40 && code <= 0x7e) {
          this.state = State.Ground;
          return false;
        }
        if (code === ESC) {
          this.state = State.Escape;
          return false;
        }
        return true;
      case State.ControlString:
        if (code === BEL || code === 0x9c) this.state = State.Ground;
        else if (code === ESC) this.state = State.ControlStringEscape;
        else if (code === NEWLINE) return true;
        return false;
      case State.ControlStringEscape:
        if (code === 0x5c) {
          this.state = State.Ground; // ESC \ (ST)
          return false;
        }
        // Another ESC sequence aborts the string and starts itself.
        this.state = State.Escape;
        return this.step(code);
      default:
        return true;
    }
  }
}

/** `text` with terminal escape sequences and control characters removed (see above). */
export function stripEscapes(text: string): string {
  const stripper = new EscapeStripper();
  return stripper.push(text) + stripper.end();
}

/** The same over a byte stream of UTF-8 text, sequences split across chunks included. */
export function stripEscapesStream(): Transform {
  const decoder = new StringDecoder("utf8");
  const stripper = new EscapeStripper();
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const text = stripper.push(decoder.write(chunk));
      done(null, text ? Buffer.from(text, "utf8") : undefined);
    },
    flush(done) {
      const text = stripper.push(decoder.end()) + stripper.end();
      done(null, text ? Buffer.from(text, "utf8") : undefined);
    },
  });
}
