import { z } from "zod";

/** POST /api/v1/containers/{id}/console (api-v1.md "Console"). */
export const consoleRequestSchema = z
  .object({
    cols: z
      .int({ error: "must be a whole number from 20 to 500" })
      .min(20, { error: "must be at least 20" })
      .max(500, { error: "must be at most 500" })
      .optional(),
    rows: z
      .int({ error: "must be a whole number from 5 to 200" })
      .min(5, { error: "must be at least 5" })
      .max(200, { error: "must be at most 200" })
      .optional(),
  })
  .strict()
  .meta({ id: "ConsoleRequest" });

export const consoleSessionSchema = z
  .object({
    /** wss://… (ws://… on plain http): carries a single-use ticket valid for 30 seconds. */
    url: z.string(),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: "ConsoleSession" });

export type ConsoleSession = z.infer<typeof consoleSessionSchema>;

/** Close codes of the console's WebSocket (api-v1.md "Console"). */
export const CONSOLE_CLOSE = {
  shellExited: 1000,
  idle: 4000,
  accessEnded: 4001,
  maxLength: 4002,
  containerStopped: 4003,
} as const;
