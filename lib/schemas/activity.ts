import { z } from "zod";
import { KNOWN_ACTIONS } from "@/lib/activity/actions";

export const OUTCOMES = ["allowed", "denied", "failed"] as const;
export type Outcome = (typeof OUTCOMES)[number];

// A date (start of that day), or a date and time; without an offset the time is UTC, which
// is also how the activity screen labels its time fields.
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const instant = z
  .string()
  .regex(INSTANT, "use an ISO 8601 date or date-time, e.g. 2026-11-28 or 2026-11-28T14:30Z")
  .transform((value, ctx) => {
    const withZone = value.length === 10 || /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
    const date = new Date(withZone);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: "custom", message: "not a real date" });
      return z.NEVER;
    }
    return date;
  });

const id = z.string().min(1).max(64);

/** The filters shared by the list and the export: all optional, all exact matches. */
const filterShape = {
  tenantId: id.optional(),
  actorId: id.optional(),
  actorEmail: z.string().min(1).max(254).optional(),
  action: z.enum(KNOWN_ACTIONS, { error: "not an action Berth records; pick one such as container.launch" }).optional(),
  outcome: z.enum(OUTCOMES).optional(),
  from: instant.optional(),
  to: instant.optional(),
  // Search: part of the target ("container:web", "user:ann@…"); a LIKE inside the other filters'
  // scope, so it narrows them, never widens them.
  q: z
    .string()
    .trim()
    .max(100, "search for at most 100 characters")
    .optional()
    .transform((q) => q || undefined),
};

/** Query of GET /activity; unknown parameters are refused like unknown fields. */
export const activityQuerySchema = z
  .object({
    ...filterShape,
    cursor: z.string().min(1).max(64).optional(),
    // Live views ask for what is newer than the newest event they show.
    after: z.string().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    // Newest first (desc, the default) or oldest first (asc); either way keyset-paged on seq.
    order: z.enum(["asc", "desc"], { error: "order is asc or desc" }).default("desc"),
  })
  .strict()
  // A live view asks for what is newer than it shows: only a newest-first list has a top to grow.
  .refine((q) => q.after === undefined || q.order === "desc", { message: "after is for newest-first lists only", path: ["after"] });

export const activityExportQuerySchema = z.object({ ...filterShape, format: z.enum(["csv", "jsonl"]) }).strict();

export type ActivityQuery = z.output<typeof activityQuerySchema>;
export type ActivityFilter = Omit<ActivityQuery, "cursor" | "after" | "limit" | "order" | "q"> & { q?: string };

export const activityEventSchema = z
  .object({
    id: z.string(),
    at: z.iso.datetime(),
    actor: z.object({
      type: z.enum(["user", "token", "system"]),
      id: z.string().nullable(),
      email: z.string().optional(),
      role: z.string().optional(),
    }),
    tenantId: z.string().optional(),
    action: z.enum(KNOWN_ACTIONS),
    target: z.string().optional(),
    outcome: z.enum(OUTCOMES),
    reason: z.string().optional(),
    ip: z.string().optional(),
    userAgent: z.string().optional(),
    requestId: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
    hash: z.string(),
  })
  .meta({ id: "ActivityEvent" });

export type ActivityEventDto = z.infer<typeof activityEventSchema>;

export const activityPageSchema = z
  .object({
    items: z.array(activityEventSchema),
    // Pass as `cursor` for the next (older) page; absent on the last page.
    nextCursor: z.string().optional(),
    // Pass as `after` to get only what is newer than this page (live views).
    newestCursor: z.string().optional(),
  })
  .meta({ id: "ActivityPage" });

export type ActivityPage = z.infer<typeof activityPageSchema>;

export const chainVerificationSchema = z
  .object({
    ok: z.boolean(),
    checked: z.int(),
    firstBrokenId: z.string().optional(),
    problem: z.string().optional(),
    unchained: z.int(),
    head: z.object({ id: z.string(), hash: z.string() }).optional(),
    // Signed checkpoints of the head (schedule, exports, archives): how many were checked
    // against the log, the newest, and the archive the chain in the database starts from.
    checkpoints: z.object({
      checked: z.int(),
      signingKey: z.boolean(),
      newest: z.object({ at: z.iso.datetime(), seq: z.int(), reason: z.string() }).optional(),
      archive: z.object({ at: z.iso.datetime(), throughId: z.string(), file: z.string() }).optional(),
    }),
  })
  .meta({ id: "ChainVerification" });

export type ChainVerification = z.infer<typeof chainVerificationSchema>;

/** POST /activity/archive: move every event older than `before` into a signed file (admins). */
export const archiveInputSchema = z
  .object({ before: z.string({ error: "choose a date" }).min(1, "choose a date: every event before it is archived").pipe(instant) })
  .strict()
  .meta({ id: "ArchiveRequest" });

export const archiveResultSchema = z
  .object({
    file: z.string(),
    sha256: z.string(),
    events: z.int(),
    throughId: z.string(),
    checkpointId: z.int(),
  })
  .meta({ id: "ArchiveResult" });

export type ArchiveResult = z.infer<typeof archiveResultSchema>;
