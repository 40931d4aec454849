// Keys whose values are secrets wherever they appear in event details: a password or secret
// anywhere in the name (`newPassword`, `passwordHash`, `clientSecret`), a token at its end
// (`accessToken`; not `tokenId`, which names a credential without being one), credentials,
// keys and auth headers.
const SECRET_KEY =
  /password|passwd|passphrase|secret|token$|^(pass|pwd|credentials?|api[-_]?key|x[-_]api[-_]key|private[-_]?key|authorization|proxy[-_]authorization|cookie|set[-_]cookie)$/i;
// Env is where a tenant's credentials live: keep the variable names (they say what was
// set), never the values. Docker spells it `Env` as ["KEY=value"].
const ENV_KEY = /^(env|environment)$/i;
// Secret-shaped values, caught even under an innocent key (a token pasted into a name,
// a Bearer header copied into a reason).
const SECRET_VALUE = /berth_[A-Za-z0-9_-]{20,}|\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

export const REDACTED = "[redacted]";
const MAX_DEPTH = 8;

/** A deep copy of `value` with every secret-bearing field replaced by "[redacted]". */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return REDACTED;
  if (typeof value === "string") return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (ENV_KEY.test(key)) out[key] = redactEnv(v);
      else if (SECRET_KEY.test(key)) out[key] = REDACTED;
      else out[key] = redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

/** Replaces secret-shaped substrings of free text (reasons, commands). */
export function redactString(text: string): string {
  return text.replace(SECRET_VALUE, REDACTED);
}

function redactEnv(env: unknown): unknown {
  if (Array.isArray(env)) {
    return env.map((entry) => {
      if (typeof entry === "string") return entry.includes("=") ? `${entry.slice(0, entry.indexOf("="))}=${REDACTED}` : REDACTED;
      // Form rows: { key, value }.
      if (entry && typeof entry === "object") {
        const name = (entry as { key?: unknown; name?: unknown }).key ?? (entry as { name?: unknown }).name;
        return typeof name === "string" ? { key: name, value: REDACTED } : REDACTED;
      }
      return REDACTED;
    });
  }
  if (env && typeof env === "object") return Object.fromEntries(Object.keys(env).map((k) => [k, REDACTED]));
  return env === undefined || env === null ? env : REDACTED;
}
