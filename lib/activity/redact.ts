// Keys whose values are secrets wherever they appear in event details. Env values are
// redacted as a whole: a tenant's env is where its credentials live.
const SECRET_KEY = /password|secret|^token$|^api[-_]?key$|^authorization$|^cookie$|^env$|^credentials?$/i;

export const REDACTED = "[redacted]";

/** A deep copy of `value` with every secret-bearing field replaced by "[redacted]". */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (SECRET_KEY.test(key)) {
        // Keep env keys (they say what was set) but never their values.
        out[key] =
          key.toLowerCase() === "env" && v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.keys(v).map((k) => [k, REDACTED]))
            : REDACTED;
      } else {
        out[key] = redact(v, depth + 1);
      }
    }
    return out;
  }
  return value;
}
