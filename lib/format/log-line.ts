/**
 * A followed log line with `timestamps=true` starts with the engine's RFC 3339 time and a
 * space ("2026-11-29T22:15:18.123456789Z hello"). Docker writes the fraction at a fixed 9
 * digits, but nothing promises it (RFC 3339 allows fewer, and a Swarm backend may differ),
 * so times are compared by a key with the fraction padded, never as the raw strings: a
 * shorter fraction would sort after a longer one ("18.5Z" > "18.123Z" as text).
 */
const STAMPED = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z (.*)$/s;

export interface LogLine {
  /** The engine's time of the line, as sent; null when the line carried none. */
  ts: string | null;
  text: string;
}

export function parseLogLine(raw: string): LogLine {
  const match = STAMPED.exec(raw);
  return match ? { ts: raw.slice(0, raw.length - match[3].length - 1), text: match[3] } : { ts: null, text: raw };
}

/** A key that orders the engine's times correctly as text (fraction padded to nanoseconds). */
export function timestampKey(ts: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(ts);
  return match ? `${match[1]}.${(match[2] ?? "").padEnd(9, "0")}` : ts;
}

/** The time as a person reads it next to a line: UTC to the millisecond ("2026-11-29 22:15:18.123"). */
export function shortTimestamp(ts: string): string {
  const key = timestampKey(ts);
  return `${key.slice(0, 10)} ${key.slice(11, 23)}`;
}
