import "server-only";
import type { Actor, ClientInfo } from "@/lib/auth/actor";
import { generateApiToken, hashApiToken } from "@/lib/auth/api-token";
import { loadActor } from "@/lib/auth/load-actor";
import { recordActivity } from "@/lib/activity/record";
import { db } from "@/lib/db";
import { ServiceError, notFound } from "@/lib/errors";
import { command, type Command } from "@/lib/services/command";
import { checkPassword } from "@/lib/auth/sign-in";
import { createTokenSchema, newTokenSchema, type TokenDto } from "@/lib/schemas/token";
import { parseInput } from "@/lib/validation";

const DAY_MS = 86_400_000;

export interface CreatedToken {
  id: string;
  token: string;
  name: string;
  expiresAt: string;
}

/** Makes a token for the actor inside a command, which records it (never the token itself). */
async function issueToken(cmd: Command, name: string, expiresInDays: number): Promise<CreatedToken> {
  const token = generateApiToken();
  const row = await cmd.commit(
    (tx) =>
      tx.apiToken.create({
        data: { userId: cmd.actor.userId, name, tokenHash: hashApiToken(token), expiresAt: new Date(Date.now() + expiresInDays * DAY_MS) },
      }),
    (created) => ({ target: `token:${created.id}`, details: { name, expiresAt: created.expiresAt.toISOString() } }),
  );
  // The only time the token exists outside the caller's hands: returned once, never stored.
  return { id: row.id, token, name: row.name, expiresAt: row.expiresAt.toISOString() };
}

const issueTokenCommand = command("auth.token.create", (cmd, name: string, expiresInDays: number) => issueToken(cmd, name, expiresInDays));

/** POST /api/v1/auth/token: email and password in, a new token out (throttled like sign-in). */
export async function createTokenWithPassword(input: unknown, client: ClientInfo): Promise<CreatedToken> {
  let data;
  try {
    data = parseInput(createTokenSchema, input);
  } catch (error) {
    // Nobody is signed in yet: the attempt is recorded under the e-mail it names, if any.
    const email = input && typeof input === "object" ? (input as { email?: unknown }).email : undefined;
    await recordActivity(
      { kind: "anonymous", email: typeof email === "string" ? email.trim().toLowerCase().slice(0, 254) : undefined, client },
      { action: "auth.token.login", outcome: "denied", reason: error instanceof ServiceError ? error.message.slice(0, 2000) : "invalid request" },
    );
    throw error;
  }
  const { userId } = await checkPassword(data.email, data.password, client, "auth.token.login");
  const actor = await loadActor(userId, client);
  if (!actor) throw new ServiceError("unauthorized", "Wrong email or password.");
  return issueTokenCommand(actor, data.name ?? "API token", data.expiresInDays ?? 30);
}

/** Settings page: the signed-in user makes a token for themselves. */
export const createTokenForSelf = command("auth.token.create", async (cmd, input: unknown): Promise<CreatedToken> => {
  const data = parseInput(newTokenSchema, input);
  return issueToken(cmd, data.name, data.expiresInDays);
});

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

export const revokeToken = command(
  "auth.token.revoke",
  async (cmd, tokenId: string): Promise<void> => {
    await cmd.commit(async (tx) => {
      // Scoped by owner in the query: someone else's token id is simply not found.
      const { count } = await tx.apiToken.updateMany({
        where: { id: tokenId, userId: cmd.actor.userId, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      if (count === 0) throw notFound("Token");
    });
  },
  ([tokenId]) => ({ target: `token:${tokenId}` }),
);
