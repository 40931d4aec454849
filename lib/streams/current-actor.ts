import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { loadActor } from "@/lib/auth/load-actor";
import { db } from "@/lib/db";

export type ActorNow = { actor: Actor } | { ended: string };

/**
 * The actor behind a long-lived stream as it is now, read the way a new request would
 * read it: through the same API token (not revoked, not expired) or, for the browser's
 * session, the same user (still there, not disabled), with its role and memberships as
 * they are now. `ended` says, in words for the caller, why the access no longer holds.
 */
export async function actorNow(actor: Actor): Promise<ActorNow> {
  if (actor.kind === "token") {
    if (!actor.tokenId) return { ended: "This stream's API token is no longer known; open it again with a valid token." };
    const token = await db.apiToken.findUnique({
      where: { id: actor.tokenId },
      select: { userId: true, revokedAt: true, expiresAt: true },
    });
    if (!token || token.userId !== actor.userId) return { ended: "The API token that opened this stream was deleted." };
    if (token.revokedAt) return { ended: "The API token that opened this stream was revoked." };
    if (token.expiresAt <= new Date()) return { ended: "The API token that opened this stream has expired." };
    const current = await loadActor(token.userId, actor.client, { id: actor.tokenId });
    return current ? { actor: current } : { ended: "Your account was disabled or removed." };
  }
  const current = await loadActor(actor.userId, actor.client);
  return current ? { actor: current } : { ended: "Your account was disabled or removed; sign in again." };
}
