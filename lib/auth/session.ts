import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Actor } from "@/lib/auth/actor";
import { clientInfoFrom } from "@/lib/auth/client-info";
import { loadActor } from "@/lib/auth/load-actor";
import { auth } from "@/lib/auth/next-auth";

/**
 * The signed-in Actor for this request, read once per request (React `cache`). A session
 * whose user was disabled or deleted yields null: signed out on the next request.
 */
export const getSessionActor = cache(async (): Promise<Actor | null> => {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return null;
  return loadActor(userId, clientInfoFrom(await headers()));
});

/** For pages and actions: the Actor, or a redirect to sign-in. */
export async function requireSessionActor(): Promise<Actor> {
  const actor = await getSessionActor();
  if (!actor) redirect("/signin");
  return actor;
}
