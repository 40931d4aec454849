import { ServiceError } from "@/lib/errors";

// Cursors are opaque to clients (api-v1.md): a versioned wrapper around the event's seq, so
// the encoding can change without clients noticing.
const PREFIX = "a1.";

export function encodeCursor(seq: number): string {
  return Buffer.from(PREFIX + seq.toString(36)).toString("base64url");
}

/** The seq inside a cursor, or `validation_failed` on the parameter it came in. */
export function decodeCursor(cursor: string, param = "cursor"): number {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const seq = text.startsWith(PREFIX) && /^[0-9a-z]{1,11}$/.test(text.slice(PREFIX.length)) ? parseInt(text.slice(PREFIX.length), 36) : NaN;
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new ServiceError("validation_failed", `The ${param} is not one this server handed out.`, [{ path: param, message: "not a valid cursor" }]);
  }
  return seq;
}
