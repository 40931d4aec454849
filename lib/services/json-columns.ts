import type { Prisma } from "@/lib/generated/prisma/client";
import type { ImageHealthcheck } from "@/lib/policy";

/** A stored argv (or list of names): a list of strings, or null for anything else. */
export function stringsOf(value: Prisma.JsonValue | null): string[] | null {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : null;
}

/** A catalog image's stored healthcheck; its shape is checked again where the policy builds it (R8). */
export function healthcheckOf(value: Prisma.JsonValue | null): ImageHealthcheck | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as unknown as ImageHealthcheck) : undefined;
}
