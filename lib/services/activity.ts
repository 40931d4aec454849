import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { decodeCursor, encodeCursor } from "@/lib/activity/cursor";
import { toActivityEventDto } from "@/lib/activity/event-dto";
import { writeCheckpoint } from "@/lib/activity/checkpoints";
import { verifyChain } from "@/lib/activity/verify";
import { membershipRole, readsAllTenants, requireRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { forbidden, notFound } from "@/lib/errors";
import { Prisma, type ActivityEvent } from "@/lib/generated/prisma/client";
import type { Outcome } from "@/lib/schemas/activity";
import { csvLine, EXPORT_COLUMNS, jsonLine, type ExportRow } from "@/lib/activity/export-format";
import { CSV_LINE_SQL } from "@/lib/activity/export-sql";
import { guardedRead } from "@/lib/services/command";
import {
  activityExportQuerySchema,
  activityQuerySchema,
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

// Rows per export query: large enough that the per-query cost vanishes, small enough
// (~3 MB of rows) to hold while a slow reader takes them.
const EXPORT_PAGE = 5000;
const EXPORT_SQL_COLUMNS = Prisma.raw(EXPORT_COLUMNS.map((c) => `"${c}"`).join(", "));
const EXPORT_CSV_LINE = Prisma.raw(CSV_LINE_SQL);

/** One exported event: its seq (the keyset) and its finished line, newline included. */
export interface ExportLine {
  seq: number;
  line: string;
}

type Where = Prisma.ActivityEventWhereInput;

/**
 * The tenants an actor may read events of, as a `where`: admins and operators everything,
 * tenant owners their owned tenants (never events without a tenant, such as sign-ins),
 * everyone else nothing.
 */
export function activityScope(actor: Actor, tenantId?: string): Where {
  const tenants = scopeTenants(actor, tenantId);
  if (!tenants) return {};
  return tenants.length === 1 ? { tenantId: tenants[0] } : { tenantId: { in: tenants } };
}

/** The tenants of `activityScope` as a list; undefined is everything (events without a tenant too). */
function scopeTenants(actor: Actor, tenantId?: string): string[] | undefined {
  if (readsAllTenants(actor)) return tenantId ? [tenantId] : undefined;
  if (tenantId) {
    const role = membershipRole(actor, tenantId);
    if (role === "owner") return [tenantId];
    // A plain member knows the tenant exists; anyone else must not learn it does.
    if (role) throw forbidden("Only this tenant's owners can see its activity.");
    throw notFound("Tenant");
  }
  const owned = ownedTenantIds(actor);
  if (owned.length === 0) throw forbidden("Only administrators, operators and tenant owners can see activity.");
  return owned;
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
 * A filter checked against the actor's scope and with its lookups done: what the Prisma
 * query (`whereOf`) and the export's SQL (`sqlOf`) both say, so the two cannot drift.
 */
interface ResolvedFilter {
  /** Undefined: every tenant, and events without one. */
  tenants?: string[];
  actorId?: string;
  actorEmail?: string;
  action?: string;
  outcome?: Outcome;
  target?: string;
  /** Part of the target. */
  q?: string;
  seqFrom?: number;
  seqTo?: number;
}

/**
 * The filter resolved, without paging; null when it can match nothing. A time range becomes
 * a seq range: the recorder keeps `at` non-decreasing along seq, so two seeks on the (at)
 * index bound every filter's (…, seq) index scan instead of scanning it for matching times.
 */
async function resolveFilter(actor: Actor, filter: ActivityFilter & { target?: string }): Promise<ResolvedFilter | null> {
  const r: ResolvedFilter = { tenants: scopeTenants(actor, filter.tenantId) };
  if (filter.actorId) r.actorId = filter.actorId;
  if (filter.actorEmail) {
    // Prefer the indexed actorId when the email is a user's; a sign-in attempt for an
    // unknown address only has the email.
    const user = await db.user.findUnique({ where: { email: filter.actorEmail.toLowerCase() }, select: { id: true } });
    if (user && filter.actorId && filter.actorId !== user.id) return null;
    if (user) r.actorId = user.id;
    else r.actorEmail = filter.actorEmail.toLowerCase();
  }
  if (filter.action) r.action = filter.action;
  if (filter.outcome) r.outcome = filter.outcome;
  if (filter.target) r.target = filter.target;
  if (filter.q) r.q = filter.q;
  if (filter.from) {
    const first = await db.activityEvent.findFirst({
      where: { at: { gte: filter.from } },
      orderBy: [{ at: "asc" }, { seq: "asc" }],
      select: { seq: true },
    });
    if (!first) return null;
    r.seqFrom = first.seq;
  }
  if (filter.to) {
    const last = await db.activityEvent.findFirst({
      where: { at: { lte: filter.to } },
      orderBy: [{ at: "desc" }, { seq: "desc" }],
      select: { seq: true },
    });
    if (!last) return null;
    r.seqTo = last.seq;
  }
  return r;
}

function whereOf(r: ResolvedFilter): Where {
  const where: Where = r.tenants ? (r.tenants.length === 1 ? { tenantId: r.tenants[0] } : { tenantId: { in: r.tenants } }) : {};
  if (r.actorId) where.actorId = r.actorId;
  if (r.actorEmail) where.actorEmail = r.actorEmail;
  if (r.action) where.action = r.action;
  if (r.outcome) where.outcome = r.outcome;
  if (r.target) where.target = r.target;
  if (r.q) where.target = { ...(r.target ? { equals: r.target } : {}), contains: r.q };
  const seq: Prisma.IntFilter = {};
  if (r.seqFrom !== undefined) seq.gte = r.seqFrom;
  if (r.seqTo !== undefined) seq.lte = r.seqTo;
  if (seq.gte !== undefined || seq.lte !== undefined) where.seq = seq;
  return where;
}

/**
 * The same filter as SQL conditions (bound values, no dialect), for the export's raw query.
 * `q` is a LIKE with the text's own % and _ unescaped, as Prisma's `contains` does.
 */
function sqlOf(r: ResolvedFilter): Prisma.Sql[] {
  const and: Prisma.Sql[] = [];
  if (r.tenants) and.push(Prisma.sql`"tenantId" IN (${Prisma.join(r.tenants)})`);
  if (r.actorId) and.push(Prisma.sql`"actorId" = ${r.actorId}`);
  if (r.actorEmail) and.push(Prisma.sql`"actorEmail" = ${r.actorEmail}`);
  if (r.action) and.push(Prisma.sql`"action" = ${r.action}`);
  if (r.outcome) and.push(Prisma.sql`"outcome" = ${r.outcome}`);
  if (r.target) and.push(Prisma.sql`"target" = ${r.target}`);
  if (r.q) and.push(Prisma.sql`"target" LIKE ${`%${r.q}%`}`);
  if (r.seqFrom !== undefined) and.push(Prisma.sql`"seq" >= ${r.seqFrom}`);
  if (r.seqTo !== undefined) and.push(Prisma.sql`"seq" <= ${r.seqTo}`);
  return and;
}

/**
 * What the tenant feeds show of an event (lib/services/activity-feed.ts): 8 of its 17
 * columns. The feed is on every dashboard view; the rest (hashes, request ids, user agents,
 * `details`) would be read and mapped only to be dropped.
 */
export const FEED_COLUMNS = {
  seq: true,
  at: true,
  actorType: true,
  actorEmail: true,
  action: true,
  target: true,
  outcome: true,
  reason: true,
} as const satisfies Prisma.ActivityEventSelect;
export type FeedColumns = Prisma.ActivityEventGetPayload<{ select: typeof FEED_COLUMNS }>;

type EventPage = { before?: number; after?: number; limit: number; order?: "asc" | "desc" };

/** One page of events, newest first: `before` and `after` are exclusive seq bounds. `columns`: only the feed's. */
export async function findEvents(
  actor: Actor,
  filter: ActivityFilter & { target?: string },
  page: EventPage,
): Promise<{ rows: ActivityEvent[]; more: boolean }>;
export async function findEvents(
  actor: Actor,
  filter: ActivityFilter & { target?: string },
  page: EventPage,
  columns: typeof FEED_COLUMNS,
): Promise<{ rows: FeedColumns[]; more: boolean }>;
export async function findEvents(
  actor: Actor,
  filter: ActivityFilter & { target?: string },
  page: EventPage,
  columns?: typeof FEED_COLUMNS,
): Promise<{ rows: (ActivityEvent | FeedColumns)[]; more: boolean }> {
  const resolved = await resolveFilter(actor, filter);
  if (!resolved) return { rows: [], more: false };
  if (columns) return feedPage(resolved, page);
  const where = whereOf(resolved);
  const seq: Prisma.IntFilter = { ...(where.seq as Prisma.IntFilter | undefined) };
  if (page.before !== undefined) seq.lt = page.before;
  if (page.after !== undefined) seq.gt = page.after;
  const rows = await db.activityEvent.findMany({
    where: { ...where, ...(Object.keys(seq).length ? { seq } : {}) },
    orderBy: { seq: page.order ?? "desc" },
    take: page.limit + 1,
    ...(columns ? { select: columns } : {}),
  });
  return { rows: rows.slice(0, page.limit), more: rows.length > page.limit };
}

/**
 * The feed's page (every dashboard and container page view) as one plain SQL query with the
 * same conditions as the export (`sqlOf`), the feed's 8 columns only: Prisma compiled the
 * findMany anew on every view (docs/benchmarks.md, "Dashboard, round 2, plain SQL").
 */
async function feedPage(resolved: ResolvedFilter, page: EventPage): Promise<{ rows: FeedColumns[]; more: boolean }> {
  const and = sqlOf(resolved);
  if (page.before !== undefined) and.push(Prisma.sql`"seq" < ${page.before}`);
  if (page.after !== undefined) and.push(Prisma.sql`"seq" > ${page.after}`);
  const where = and.length ? Prisma.sql`WHERE ${Prisma.join(and, " AND ")}` : Prisma.empty;
  const direction = Prisma.raw(page.order === "asc" ? "ASC" : "DESC");
  const rows = await db.$queryRaw<FeedColumns[]>`
    SELECT "seq", "at", "actorType", "actorEmail", "action", "target", "outcome", "reason"
    FROM "ActivityEvent" ${where} ORDER BY "seq" ${direction} LIMIT ${page.limit + 1}`;
  // As Prisma returns them: `seq` a number, `at` a Date, whatever the driver hands back.
  const mapped = rows.slice(0, page.limit).map((r) => ({ ...r, seq: Number(r.seq), at: new Date(r.at) }));
  return { rows: mapped, more: rows.length > page.limit };
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
 * first byte, so a refusal is a proper error response; then the lines come in keyset pages,
 * never all in memory, read only as fast as the caller takes them. Events appended during
 * the export are above its first page and are not included: the file is the log as it
 * stood when the export began.
 *
 * The pages are one plain SQL query each (bound values, no dialect) rather than findMany:
 * a file of a million rows is the one place where Prisma's mapping of every column of every
 * row was most of the cost (bench item 4). A CSV page goes further: the database writes
 * each line (lib/activity/export-sql.ts), so Prisma maps two columns a row instead of 17.
 * JSON Lines keep the rows and lib/activity/export-format.ts's `jsonLine`: escaping JSON
 * strings in portable SQL would take a `replace` per control character, and SQLite's
 * `json_object` is SQLite's own (PostgreSQL's `json_build_object` writes other bytes).
 */
export async function exportActivity(actor: Actor, input: unknown, pageSize = EXPORT_PAGE) {
  const { format, ...filter } = parseInput(activityExportQuerySchema, input);
  const resolved = await guardedRead(actor, "activity.read", { tenantId: filter.tenantId ?? null }, () => resolveFilter(actor, filter));
  // Every export is also a signed checkpoint of the head: the file and the log can be
  // compared later, and cutting off what the file holds is caught by verify.
  await writeCheckpoint("export");
  const conditions = resolved ? sqlOf(resolved) : [];
  const whereSql = (and: Prisma.Sql[]) => (and.length ? Prisma.sql`WHERE ${Prisma.join(and, " AND ")}` : Prisma.empty);
  const read = format === "csv" ? csvPage : jsonPage;
  async function* pages(): AsyncGenerator<ExportLine[]> {
    if (!resolved) return;
    let before: number | undefined;
    for (;;) {
      const page = await read(whereSql(before === undefined ? conditions : [...conditions, Prisma.sql`"seq" < ${before}`]), pageSize);
      if (page.lines.length) yield page.lines;
      if (page.last === undefined) return;
      before = page.last;
    }
  }
  return { format, pages: pages() };
}

/** A page's lines, and the last seq it read when the page was full (where the next one starts). */
interface ExportPage {
  lines: ExportLine[];
  last?: number;
}

const lastOf = (rows: { seq: number }[], limit: number) => (rows.length < limit ? undefined : Number(rows[rows.length - 1].seq));

async function jsonPage(where: Prisma.Sql, limit: number): Promise<ExportPage> {
  const rows = await db.$queryRaw<ExportRow[]>`SELECT ${EXPORT_SQL_COLUMNS} FROM "ActivityEvent" ${where} ORDER BY "seq" DESC LIMIT ${limit}`;
  return { lines: rows.map((r) => ({ seq: Number(r.seq), line: jsonLine(r) })), last: lastOf(rows, limit) };
}

/**
 * A CSV page, each line written by the database. A row whose line the SQL leaves NULL (an
 * `at` not in the form Berth stores) is read again in full and written by csvLine, so the
 * file never depends on how an odd row was stored. The rows are handed on as Prisma made
 * them (`seq` is an INTEGER column: a number), without a copy per row.
 */
async function csvPage(where: Prisma.Sql, limit: number): Promise<ExportPage> {
  const rows = await db.$queryRaw<
    { seq: number; line: string | null }[]
  >`SELECT "seq", ${EXPORT_CSV_LINE} AS "line" FROM "ActivityEvent" ${where} ORDER BY "seq" DESC LIMIT ${limit}`;
  const last = lastOf(rows, limit);
  const odd = rows.filter((r) => r.line === null).map((r) => r.seq);
  if (odd.length === 0) return { lines: rows as ExportLine[], last };
  const full = await db.$queryRaw<ExportRow[]>`SELECT ${EXPORT_SQL_COLUMNS} FROM "ActivityEvent" WHERE "seq" IN (${Prisma.join(odd)})`;
  const bySeq = new Map(full.map((r) => [Number(r.seq), csvLine(r)]));
  // A row archived away (lib/services/activity-archive.ts) between the two reads is left
  // out, as it would be had the archive run before this page.
  const lines = rows.flatMap((r) => {
    const line = r.line ?? bySeq.get(r.seq);
    return line === undefined ? [] : [{ seq: r.seq, line }];
  });
  return { lines, last };
}

/** GET /api/v1/activity/verify: the whole chain, for admins and operators. */
export async function verifyActivityChain(actor: Actor): Promise<ChainVerification> {
  await guardedRead(actor, "activity.verify", {}, async () => requireRole(actor, "admin", "operator"));
  return verifyChain();
}
