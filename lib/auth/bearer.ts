import "server-only";
import { db } from "@/lib/db";
import type { Actor } from "@/lib/auth/actor";
import { hashApiToken, looksLikeApiToken, tokenEnded } from "@/lib/auth/api-token";
import { clientInfoFrom } from "@/lib/auth/client-info";
import { ACTOR_USER, actorOf } from "@/lib/auth/load-actor";
import { ServiceError } from "@/lib/errors";

// Writing lastUsedAt on every call would make each API read a write; a minute's
// resolution is plenty for "last used".
const LAST_USED_RESOLUTION_MS = 60_000;

/** The Actor behind `Authorization: Bearer <token>`, or `unauthorized`. */
export async function actorFromBearer(headers: Headers): Promise<Actor> {
  const header = headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match || !looksLikeApiToken(match[1])) {
    throw new ServiceError("unauthorized", "Send a valid API token as 'Authorization: Bearer <token>'.");
  }
  // The token with its user as loadActor reads it, in one query.
  const token = await db.apiToken.findUnique({ where: { tokenHash: hashApiToken(match[1]) }, include: { user: { select: ACTOR_USER } } });
  const now = new Date();
  if (!token || tokenEnded(token, now)) {
    throw new ServiceError("unauthorized", "This API token is not valid: it may have expired or been revoked.");
  }
  // The token's creation is checked against the user's sessionsValidFrom as well as its
  // revocation: a token minted while a password change was committing ends with the others.
  const actor = actorOf(token.user, clientInfoFrom(headers), { id: token.id }, token.createdAt);
  if (!actor) throw new ServiceError("unauthorized", "This API token is not valid: its user is disabled or changed their password.");
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
  }
  return actor;
}
