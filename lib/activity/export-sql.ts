import { EXPORT_COLUMNS } from "@/lib/activity/export-format";

/**
 * The CSV export's line (lib/activity/export-format.ts `csvLine`) as one SQL expression, so
 * the database hands over one text column per row instead of 17 for Prisma to map (bench
 * item 4: mapping was ~5 of the ~8 µs a row cost). Built from EXPORT_COLUMNS, the list the
 * header is made from, so the header and the line cannot disagree; the unit test
 * (export-sql.test.ts) runs it in SQLite against `csvLine` over every character that decides
 * quoting, and the integration test over the real path.
 *
 * Only portable SQL: `||`, CASE, COALESCE, CAST, LIKE, and the functions `replace`, `substr`,
 * `length` and `ltrim(text, characters)`, which SQLite and PostgreSQL both have (the last two
 * are not in the SQL standard, whose TRIM(LEADING … FROM …) SQLite lacks). The one
 * dialect-bound part is the time: see `TIME`.
 */

// csvCell's FORMULA_START (`^[\s\u3000]*[=+\-@＝＋－＠\t\r\n]`) as two sets of characters:
// the blanks that may come before a formula (JavaScript's \s less tab, CR and LF) and what
// starts a formula when it is the first character that is not such a blank (tab, CR and LF
// count on their own, wherever they are in the leading blanks). "The first character after
// the blanks, ltrim'd, is one of FORMULA_FIRST" is then exactly the regular expression.
export const LEADING_BLANKS =
  " \v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";
export const FORMULA_FIRST = "=+-@\uFF1D\uFF0B\uFF0D\uFF20\t\r\n";

/** A constant of this module as an SQL string literal (never caller text: that is bound). */
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

const FORMULA_SET = [...FORMULA_FIRST].map(literal).join(", ");
// Any character that can begin a formula or the blanks before one. Most cells start with
// none of them, and this equality test is cheaper than `ltrim`, which parses its set of
// characters again on every call (measured: ~0.3 µs a cell in ltrim, ~0.1 µs here). Equality
// and not a range (`< 'A'`): a range would follow PostgreSQL's collation, not code points.
const MAY_START_FORMULA = [...new Set([...FORMULA_FIRST, ...LEADING_BLANKS])].map(literal).join(", ");
// The characters that make csvCell quote a cell (`/[",\r\n]/`), each tested with LIKE.
const NEEDS_QUOTES = ['"', ",", "\r", "\n"].map((c) => literal(`%${c}%`));

/** csvCell of a nullable text column. */
function cell(column: string): string {
  const c = `"${column}"`;
  const escaped = `replace(${c}, '"', '""')`;
  return (
    `CASE WHEN substr(${c}, 1, 1) IN (${MAY_START_FORMULA}) AND substr(ltrim(${c}, ${literal(LEADING_BLANKS)}), 1, 1) IN (${FORMULA_SET}) ` +
    `THEN '"''' || ${escaped} || '"' ` +
    `WHEN ${NEEDS_QUOTES.map((p) => `${c} LIKE ${p}`).join(" OR ")} THEN '"' || ${escaped} || '"' ` +
    `ELSE COALESCE(${c}, '') END`
  );
}

/**
 * `at.toISOString()`, for the one text form Berth stores (Prisma's SQLite adapter writes a
 * DateTime as `2026-11-30T03:00:00.000+00:00`); any other form gives NULL, and the export
 * formats that row in TypeScript instead (lib/services/activity.ts), so the file never
 * depends on how an odd row was written. PostgreSQL would need its own expression here
 * (`to_char("at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`).
 */
const TIME = `CASE WHEN length("at") = 29 AND substr("at", 11, 1) = 'T' AND substr("at", 24) = '+00:00' THEN substr("at", 1, 23) || 'Z' END`;

type Column = (typeof EXPORT_COLUMNS)[number];

// Every column of the list must say how it is written (a Record: a new column without its
// SQL does not compile); the order is the list's.
const CELLS: Record<Column, string> = {
  seq: `CAST("seq" AS TEXT)`,
  at: TIME,
  // The API's actor type and id (lib/activity/event-dto.ts): anything but a token or the system is a user.
  actorType: `CASE WHEN "actorType" IN ('token', 'system') THEN "actorType" ELSE 'user' END`,
  actorId: `CASE WHEN "actorType" = 'system' THEN 'system' ELSE ${cell("actorId")} END`,
  actorEmail: cell("actorEmail"),
  actorRole: cell("actorRole"),
  tenantId: cell("tenantId"),
  action: cell("action"),
  target: cell("target"),
  outcome: cell("outcome"),
  reason: cell("reason"),
  ip: cell("ip"),
  userAgent: cell("userAgent"),
  requestId: cell("requestId"),
  details: cell("details"),
  hash: cell("hash"),
};

/** The whole CSV line with its CRLF, or NULL when `at` is not in the stored form (see TIME). */
export const CSV_LINE_SQL = `${EXPORT_COLUMNS.map((c) => CELLS[c]).join(" || ',' || ")} || ${literal("\r\n")}`;
