import { createHash, randomBytes } from "node:crypto";

const PREFIX = "berth_";

/** A new bearer token: 256 random bits, prefixed so leaked tokens are easy to grep for. */
export function generateApiToken(): string {
  return PREFIX + randomBytes(32).toString("base64url");
}

/** Only this hash is stored. A fast hash is right here: the token is high-entropy. */
export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function looksLikeApiToken(value: string): boolean {
  return value.startsWith(PREFIX) && value.length > PREFIX.length + 20 && value.length < 200;
}

/**
 * Why a stored token no longer lets anyone in, in words for its holder, or null while it
 * does. The one rule for a new request (lib/auth/bearer.ts) and for a stream that is
 * already open (lib/auth/actor-now.ts).
 */
export function tokenEnded(token: { revokedAt: Date | null; expiresAt: Date } | null, now = new Date()): string | null {
  if (!token) return "The API token was deleted.";
  if (token.revokedAt) return "The API token was revoked.";
  if (token.expiresAt <= now) return "The API token has expired.";
  return null;
}
