import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { actorFromBearer } from "@/lib/auth/bearer";
import { getSessionActor } from "@/lib/auth/session";
import { errorResponse } from "@/lib/api/respond";

type RouteContext<P> = { params: Promise<P> };

/**
 * Wraps a /api/v1 handler: resolves the Bearer token to an Actor, runs the handler, and
 * maps any error to the contract's shape. Handlers stay one service call long.
 */
export function authedRoute<P = Record<string, never>>(handler: (actor: Actor, req: Request, params: P) => Promise<Response>) {
  return async (req: Request, ctx: RouteContext<P>): Promise<Response> => {
    try {
      const actor = await resolveActor(req);
      return await handler(actor, req, await ctx.params);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** The same for the two endpoints that take no token (health, token creation). */
export function publicRoute(handler: (req: Request) => Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    try {
      return await handler(req);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/**
 * A Bearer token, or, for reads only, the browser's session cookie: the UI's live logs and
 * stats read the same endpoints. Writes never accept the cookie, so no cross-site form can
 * act through the API (the session cookie is also SameSite=Lax).
 */
async function resolveActor(req: Request): Promise<Actor> {
  if (!req.headers.has("authorization") && req.method === "GET") {
    const actor = await getSessionActor();
    if (actor) return actor;
  }
  return actorFromBearer(req.headers);
}
