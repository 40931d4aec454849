import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { redirect, unauthorized } from "next/navigation";
import type { Actor } from "@/lib/auth/actor";
import { clientInfoFrom } from "@/lib/auth/client-info";
import { loadActor } from "@/lib/auth/load-actor";
import { sessionFromHeaders } from "@/lib/auth/session-token";

/**
 * The signed-in Actor for this request, read once per request (React `cache`). A session
 * whose user was disabled or deleted yields null: signed out on the next request.
 */
export const getSessionActor = cache(async (): Promise<Actor | null> => {
  const request = await headers();
  // The session cookie decoded as Auth.js's auth() decodes it, without its Request/Response
  // round trip (lib/auth/session-token.ts).
  const session = await sessionFromHeaders(request);
  if (!session) return null;
  // A session from before sign-in times were kept counts as signed in at the epoch: it ends
  // at the user's first password change like any other.
  return loadActor(session.userId, clientInfoFrom(request), undefined, new Date(session.signedInAt ?? 0));
});

/**
 * For pages and actions: the Actor, or off to sign in. A page renders app/unauthorized.tsx,
 * which sends the browser to /signin with the page it asked for as `next` (only the browser
 * side knows that path here), so a shared link opened while signed out still lands where it
 * pointed. A Server Action (its request names the action, or posts a form) redirects.
 */
export async function requireSessionActor(): Promise<Actor> {
  const actor = await getSessionActor();
  if (actor) return actor;
  const request = await headers();
  if (request.has("next-action") || /^(multipart\/form-data|application\/x-www-form-urlencoded)/.test(request.get("content-type") ?? "")) {
    redirect("/signin");
  }
  unauthorized();
}
