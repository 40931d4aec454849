import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { decodeCursor, encodeCursor } from "@/lib/activity/cursor";
import { toActivityEventDto } from "@/lib/activity/event-dto";
import { writeCheckpoint } from "@/lib/activity/checkpoints";
import { verifyChain } from "@/lib/activity/verify";
import { membershipRole, readsAllTenants, requireRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { forbidden, notFound } from "@/lib/errors";
import type { ActivityEvent, Prisma } from "@/lib/generated/prisma/client";
import { guardedRead } from "@/lib/services/command";
import {
  activityExportQuerySchema,
  activityQuerySchema,
  type ActivityEventDto,
  type ActivityFilter,
  type ActivityPage,
  type ChainVerification,
} from "@/lib/schemas/activity";
import { parseInput } from "@/lib/validation";

/**
 * The one query module over the activity log: the API, the activity screen, the export and
 * the tenant feeds (lib/services/activity-feed.ts) all read through `findEvents`, so scope
 * and paging rules live in one place.
 *
 * Paging is keyset on `seq` (newest first): each page is `seq < cursor`, which every
 * (filter, seq) index answers by seeking, however deep the page — no OFFSET scan.
 */

const EXPORT_BATCH = 1000;

type Where = Prisma.ActivityEventWhereInput;

/**
 * The tenants an actor may read events of, as a `where`: admins and operators everything,
 * tenant owners their owned tenants (never events without a tenant, such as sign-ins),
 * everyone else nothing.
 */
export function activityScope(actor: Actor, tenantId?: string): Where {
  if (readsAllTenants(actor)) return tenantId ? { tenantId } : {};
  if (tenantId) {
    const role = membershipRole(actor, tenantId);
    if (role === "owner") return { tenantId };
    // A plain member knows the tenant exists; anyone else must not learn it does.
    if (role) throw forbidden("Only this tenant's owners can see its activity.");
    throw notFound("Tenant");
  }
  const owned = ownedTenantIds(actor);
  if (owned.length === 0) throw forbidden("Only administrators, operators and tenant owners can see activity.");
  return { tenantId: { in: owned } };
}

export function ownedTenantIds(actor: Actor): string[] {
  return actor.memberships.filter((m) => m.role === "owner").map((m) => m.tenantId);
}

/** Whether this actor may read one tenant's events (the rule `activityScope` enforces). */
export function canUseTenantActivity(actor: Actor, tenantId: string): boolean {
  return readsAllTenants(actor) || membershipRole(actor, tenantId) === "owner";
}

/** Whether the activity screen is for this actor at all (navigation only; services decide). */
export function canUseActivity(actor: Actor): boolean {
  return readsAllTenants(actor) || ownedTenantIds(actor).length > 0;
}

/**
 * The filter as a `where`, without paging. A time range becomes a seq range: the recorder
 * keeps `at` non-decreasing along seq, so two seeks on the (at) index bound every filter's
 * (…, seq) index scan instead of scanning it for matching times.
 */
async function filterWhere(actor: Actor, filter: ActivityFilter & { target?: string }): Promise<Where | null> {
  const where: Where = { ...activityScope(actor, filter.tenantId) };
  if (filter.actorId) where.actorId = filter.actorId;
  if (filter.actorEmail) {
    // Prefer the indexed actorId when the email is a user's; a sign-in attempt for an
    // unknown address only has the email.
    const user = await db.user.findUnique({ where: { email: filter.actorEmail.toLowerCase() }, select: { id: true } });
    if (user && filter.actorId && filter.actorId !== user.id) return null;
    if (user) where.actorId = user.id;
    else where.actorEmail = filter.actorEmail.toLowerCase();
  }
  if (filter.action) where.action = filter.action;
  if (filter.outcome) where.outcome = filter.outcome;
  if (filter.target) where.target = filter.target;
  if (filter.q) where.target = { ...(filter.target ? { equals: filter.target } : {}), contains: filter.q };
  const seq: Prisma.IntFilter = {};
  if (filter.from) {
    const first = await db.activityEvent.findFirst({
      where: { at: { gte: filter.from } },
      orderBy: [{ at: "asc" }, { seq: "asc" }],
      select: { seq: true },
    });
    if (!first) return null;
    seq.gte = first.seq;
  }
  if (filter.to) {
    const last = await db.activityEvent.findFirst({
      where: { at: { lte: filter.to } },
      orderBy: [{ at: "desc" }, { seq: "desc" }],
      select: { seq: true },
    });
    if (!last) return null;
    seq.lte = last.seq;
  }
  if (seq.gte !== undefined || seq.lte !== undefined) where.seq = seq;
  return where;
}

/** One page of events, newest first: `before` and `after` are exclusive seq bounds. */
export async function findEvents(
  actor: Actor,
  filter: ActivityFilter & { target?: string },
  page: { before?: number; after?: number; limit: number; order?: "asc" | "desc" },
): Promise<{ rows: ActivityEvent[]; more: boolean }> {
  const where = await filterWhere(actor, filter);
  if (!where) return { rows: [], more: false };
  const seq: Prisma.IntFilter = { ...(where.seq as Prisma.IntFilter | undefined) };
  if (page.before !== undefined) seq.lt = page.before;
  if (page.after !== undefined) seq.gt = page.after;
  const rows = await db.activityEvent.findMany({
    where: { ...where, ...(Object.keys(seq).length ? { seq } : {}) },
    orderBy: { seq: page.order ?? "desc" },
    take: page.limit + 1,
  });
  return { rows: rows.slice(0, page.limit), more: rows.length > page.limit };
}

/** GET /api/v1/activity. */
export async function listActivity(actor: Actor, input: unknown): Promise<ActivityPage> {
  const query = parseInput(activityQuerySchema, input);
  const { cursor, after, limit, order, ...filter } = query;
  // The cursor is the last event shown: older ones follow it newest first, newer ones oldest first.
  const bound = cursor === undefined ? {} : order === "asc" ? { after: decodeCursor(cursor) } : { before: decodeCursor(cursor) };
  const { rows, more } = await guardedRead(actor, "activity.read", { tenantId: query.tenantId ?? null }, () =>
    findEvents(actor, filter, {
      ...bound,
      ...(after === undefined ? {} : { after: decodeCursor(after, "after") }),
      limit,
      order,
    }),
  );
  const last = rows.at(-1);
  // newestCursor is what a live view passes as `after` next time; with nothing newer it
  // keeps the one it sent. A live view never pages backwards, so it gets no nextCursor.
  const newest = order === "asc" ? undefined : rows[0] ? encodeCursor(rows[0].seq) : (after ?? (cursor === undefined ? encodeCursor(0) : undefined));
  return {
    items: rows.map(toActivityEventDto),
    ...(more && last && after === undefined ? { nextCursor: encodeCursor(last.seq) } : {}),
    ...(newest ? { newestCursor: newest } : {}),
  };
}

/**
 * GET /api/v1/activity/export: the query is checked and the scope resolved before the
 * first byte, so a refusal is a proper error response; then the rows stream in keyset
 * batches, never all in memory. Events appended during the export are above its first
 * batch and are not included: the file is the log as it stood when the export began.
 */
export async function exportActivity(actor: Actor, input: unknown) {
  const { format, ...filter } = parseInput(activityExportQuerySchema, input);
  const first = await guardedRead(actor, "activity.read", { tenantId: filter.tenantId ?? null }, () =>
    findEvents(actor, filter, { limit: EXPORT_BATCH }),
  );
  // Every export is also a signed checkpoint of the head: the file and the log can be
  // compared later, and cutting off what the file holds is caught by verify.
  await writeCheckpoint("export");
  async function* batches(): AsyncGenerator<ActivityEventDto[]> {
    let page = first;
    for (;;) {
      if (page.rows.length) yield page.rows.map(toActivityEventDto);
      const last = page.rows.at(-1);
      if (!page.more || !last) return;
      page = await findEvents(actor, filter, { before: last.seq, limit: EXPORT_BATCH });
    }
  }
  return { format, batches: batches() };
}

/** GET /api/v1/activity/verify: the whole chain, for admins and operators. */
export async function verifyActivityChain(actor: Actor): Promise<ChainVerification> {
  await guardedRead(actor, "activity.verify", {}, async () => requireRole(actor, "admin", "operator"));
  return verifyChain();
}
