/**
 * What a refused request asked for, small and bounded: the names of the fields it sent (and
 * of its environment variables), never their values. A refusal's reason already names each
 * bad field; storing the raw body instead would let anyone signed in grow the append-only
 * log by kilobytes per request.
 */
const MAX_NAMES = 32;
const MAX_NAME_LENGTH = 64;

function namesOf(value: unknown): string[] | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const names = keys.slice(0, MAX_NAMES).map((k) => (k.length > MAX_NAME_LENGTH ? `${k.slice(0, MAX_NAME_LENGTH)}…` : k));
  if (keys.length > MAX_NAMES) names.push(`… ${keys.length - MAX_NAMES} more`);
  return names;
}

export function requestSummary(input: unknown): Record<string, unknown> {
  const fields = namesOf(input);
  if (!fields) return { fields: [] };
  const env = namesOf((input as { env?: unknown }).env);
  return { fields, ...(env ? { envNames: env } : {}) };
}
