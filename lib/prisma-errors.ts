/**
 * True when `error` is Prisma's unique-constraint failure, optionally on a given field: from
 * a model query (P2002) or from a raw query (P2010, where the driver adapter names the kind).
 */
export function isUniqueViolation(error: unknown, field?: string): boolean {
  if (!error || typeof error !== "object") return false;
  const { code, meta } = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  const unique = code === "P2002" || (code === "P2010" && meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation");
  if (!unique) return false;
  if (!field) return true;
  // The driver adapters report the target differently from the native engine; look in both.
  const text = JSON.stringify(meta ?? {}) + String((error as { message?: unknown }).message ?? "");
  return text.includes(field);
}
