import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { tokenEnded } from "@/lib/auth/api-token";
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
    const token = actor.tokenId
      ? await db.apiToken.findUnique({ where: { id: actor.tokenId }, select: { userId: true, revokedAt: true, expiresAt: true, createdAt: true } })
      : null;
    const ended = tokenEnded(token && token.userId === actor.userId ? token : null);
    if (ended || !token) return { ended: `${ended ?? "The API token is not known."} This stream was opened with it.` };
    const current = await loadActor(token.userId, actor.client, { id: actor.tokenId ?? "" }, token.createdAt);
    return current ? { actor: current } : { ended: "Your account was disabled or removed, or its password changed." };
  }
  // A browser session's sign-in time goes with it: a password change ends open streams too.
  const current = await loadActor(actor.userId, actor.client, undefined, actor.issuedAt);
  return current ? { actor: current } : { ended: "Your account was disabled or removed, or its password changed; sign in again." };
}
