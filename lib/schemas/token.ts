import { z } from "zod";

export const createTokenSchema = z
  .object({
    email: z.email().max(254).toLowerCase(),
    password: z.string().min(1).max(200),
    name: z.string().trim().min(1).max(80).optional(),
    expiresInDays: z.int().min(1).max(365).optional(),
  })
  .strict()
  .meta({ id: "CreateTokenRequest" });

/** The UI's form: the user is already signed in, so no credentials. */
export const newTokenSchema = z
  .object({
    name: z.string().trim().min(1, "enter a name").max(80, "at most 80 characters"),
    expiresInDays: z.coerce.number().int().min(1, "at least 1 day").max(365, "at most 365 days"),
  })
  .strict();

export const createdTokenSchema = z
  .object({ id: z.string(), token: z.string(), name: z.string(), expiresAt: z.iso.datetime() })
  .meta({ id: "CreatedToken" });

export const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "ApiToken" });

export type CreateTokenInput = z.infer<typeof createTokenSchema>;
export type TokenDto = z.infer<typeof tokenSchema>;
