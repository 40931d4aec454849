/** True when `error` is Prisma's unique-constraint failure, optionally on a given field. */
export function isUniqueViolation(error: unknown, field?: string): boolean {
  if (!error || typeof error !== "object" || (error as { code?: unknown }).code !== "P2002") return false;
  if (!field) return true;
  const meta = (error as { meta?: { target?: unknown; driverAdapterError?: unknown } }).meta;
  // The driver adapters report the target differently from the native engine; look in both.
  const text = JSON.stringify(meta ?? {}) + String((error as { message?: unknown }).message ?? "");
  return text.includes(field);
}
