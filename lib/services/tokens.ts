import "server-only";
import type { Actor, ClientInfo } from "@/lib/auth/actor";
import { generateApiToken, hashApiToken } from "@/lib/auth/api-token";
import { loadActor } from "@/lib/auth/load-actor";
import { recordActivity } from "@/lib/activity/record";
import { db } from "@/lib/db";
import { ServiceError, notFound } from "@/lib/errors";
import { recordingRefusals } from "@/lib/services/denials";
import { checkPassword } from "@/lib/services/sign-in";
import { createTokenSchema, newTokenSchema, type TokenDto } from "@/lib/schemas/token";
import { parseInput } from "@/lib/validation";

const DAY_MS = 86_400_000;

export interface CreatedToken {
  id: string;
  token: string;
  name: string;
  expiresAt: string;
}

async function issueToken(actor: Actor, name: string, expiresInDays: number): Promise<CreatedToken> {
  const token = generateApiToken();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        userId: actor.userId,
        name,
        tokenHash: hashApiToken(token),
        expiresAt: new Date(Date.now() + expiresInDays * DAY_MS),
      },
    });
    await recordActivity(actor, {
      action: "auth.token.create",
      outcome: "allowed",
      target: `token:${created.id}`,
      details: { name, expiresAt: created.expiresAt.toISOString() },
    }, tx);
    return created;
  });
  // The only time the token exists outside the caller's hands: returned once, never stored.
  return { id: row.id, token, name: row.name, expiresAt: row.expiresAt.toISOString() };
}

/** POST /api/v1/auth/token: email and password in, a new token out (throttled like sign-in). */
export async function createTokenWithPassword(input: unknown, client: ClientInfo): Promise<CreatedToken> {
  const data = parseInput(createTokenSchema, input);
  const { userId } = await checkPassword(data.email, data.password, client, "auth.token.login");
  const actor = await loadActor(userId, client);
  if (!actor) throw new ServiceError("unauthorized", "Wrong email or password.");
  return issueToken(actor, data.name ?? "API token", data.expiresInDays ?? 30);
}

/** Settings page: the signed-in user makes a token for themselves. */
export async function createTokenForSelf(actor: Actor, input: unknown): Promise<CreatedToken> {
  const data = parseInput(newTokenSchema, input);
  return issueToken(actor, data.name, data.expiresInDays);
}

export async function listTokens(actor: Actor): Promise<TokenDto[]> {
  const tokens = await db.apiToken.findMany({
    where: { userId: actor.userId, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
  });
  return tokens.map((t) => ({
    id: t.id,
    name: t.name,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  }));
}

export const revokeToken = recordingRefusals(([tokenId]) => ({ action: "auth.token.revoke", target: `token:${tokenId}` }), revokeTokenRecorded);
async function revokeTokenRecorded(actor: Actor, tokenId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    // Scoped by owner in the query: someone else's token id is simply not found.
    const { count } = await tx.apiToken.updateMany({
      where: { id: tokenId, userId: actor.userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) throw notFound("Token");
    await recordActivity(actor, { action: "auth.token.revoke", outcome: "allowed", target: `token:${tokenId}` }, tx);
  });
}
