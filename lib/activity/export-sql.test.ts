import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawDatabase } from "@/test/support/raw-sqlite";
import { csvCell, csvLine, EXPORT_COLUMNS, type ExportRow } from "./export-format";
import { CSV_LINE_SQL, FORMULA_FIRST, LEADING_BLANKS } from "./export-sql";

/**
 * The SQL-built CSV line against csvLine, byte for byte, in the SQLite the portal runs (the
 * adapter's copy) on the schema the migrations make. Values go in as the recorder binds them
 * and come back as Prisma reads them (`at` as a Date).
 */

/** The exported columns stored as text: all but the sequence, the time and the actor type. */
type Text = Exclude<(typeof EXPORT_COLUMNS)[number], "seq" | "at" | "actorType">;
const TEXT_COLUMNS = EXPORT_COLUMNS.filter((c): c is Text => c !== "seq" && c !== "at" && c !== "actorType");

let db: InstanceType<typeof RawDatabase>;
let nextSeq = 1;

beforeAll(() => {
  db = new RawDatabase(":memory:");
  const dir = path.join(process.cwd(), "prisma", "migrations");
  for (const m of readdirSync(dir)
    .filter((d) => /^\d+_/.test(d))
    .sort())
    db.exec(readFileSync(path.join(dir, m, "migration.sql"), "utf8"));
  // The table as migrated, less its indexes: they do not change what a line says, and
  // keeping them made the quarter-million-value test several times slower.
  const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ActivityEvent' AND sql IS NOT NULL`).all() as {
    name: string;
  }[];
  for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);
});
afterAll(() => db.close());

const STORED_AT = "2026-11-30T01:02:03.456+00:00";

/** Stores events (`at` as stored text) and returns each one's SQL line next to csvLine of the row. */
function roundTrip(rows: { at?: string; actorType?: string; cells: Partial<Record<Text, string | null>> }[]) {
  const insert = db.prepare(
    `INSERT INTO "ActivityEvent" ("seq", "at", "actorType", ${TEXT_COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES (?, ?, ?, ${TEXT_COLUMNS.map(() => "?").join(", ")})`,
  );
  const first = nextSeq;
  db.transaction(() => {
    for (const r of rows) {
      const cells = { action: "container.launch", outcome: "allowed", hash: "", ...r.cells };
      insert.run(nextSeq++, r.at ?? STORED_AT, r.actorType ?? "user", ...TEXT_COLUMNS.map((c) => cells[c] ?? null));
    }
  })();
  const columns = EXPORT_COLUMNS.map((c) => `"${c}"`).join(", ");
  const read = db.prepare(`SELECT ${columns}, ${CSV_LINE_SQL} AS "line" FROM "ActivityEvent" WHERE "seq" >= ? ORDER BY "seq"`);
  return (read.all(first) as (Omit<ExportRow, "at"> & { at: string; line: string | null })[]).map(({ line, ...stored }) => ({
    line,
    expected: csvLine({ ...stored, at: new Date(stored.at) }),
  }));
}

/** Spreads values over the text columns, one row per 13 values (so every column sees every kind). */
function rowsOf(values: string[], shift = 0) {
  const rows: { cells: Partial<Record<Text, string>> }[] = [];
  for (let i = 0; i < values.length; i += TEXT_COLUMNS.length) {
    const cells: Partial<Record<Text, string>> = {};
    TEXT_COLUMNS.forEach((c, j) => (cells[c] = values[(i + j + shift) % values.length]));
    rows.push({ cells });
  }
  return rows;
}

function expectSame(result: { line: string | null; expected: string }[]) {
  const differing = result.filter((r) => r.line !== r.expected);
  expect(differing.slice(0, 5)).toEqual([]);
  expect(result.length).toBeGreaterThan(0);
}

describe("the CSV line built in SQL", () => {
  it("is csvLine's line for awkward values in every column", () => {
    const awkward = [
      "plain",
      "",
      'say "hi"',
      '"',
      '""',
      "a,b",
      ",",
      "line\nbreak",
      "cr\ronly",
      "crlf\r\nend",
      "trailing\n",
      "ünïcödé ✓ 漢字 😀 e\u0301",
      "\u2028\u2029 separators inside",
      "=1+1",
      "+1",
      "-2+3",
      "@SUM(A1)",
      '=HYPERLINK("http://x","y")',
      "  =1",
      "\t=1",
      "\r=1",
      "\n",
      "\t",
      " \tx",
      "\v=1",
      "\f+1",
      "\u00a0-1",
      "\u3000@x",
      "\ufeff=1",
      "\uFF1D1",
      "\uFF0B1",
      "\uFF0D1",
      "\uFF201",
      "   ",
      "\u00a0plain",
      "x=1",
      "1-2",
      "it's",
      "''",
      "back\\slash",
      "%_ like wildcards",
      JSON.stringify({ big: "x".repeat(20_000), nested: { q: 'a "b", c', nl: "a\nb" }, arr: [1, "=2"] }),
      JSON.stringify({ image: "berth/static-web:1", ports: [{ container: 8080 }], note: "line\\nbreak \u2028 ü" }),
      '{\n"raw": "line break"}',
    ];
    for (let shift = 0; shift < TEXT_COLUMNS.length; shift++) expectSame(roundTrip(rowsOf(awkward, shift)));
  });

  it("is csvLine's line whatever character a cell starts with, or follows blanks with", () => {
    const values: string[] = [];
    for (let code = 0; code < 0x10000; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue; // not storable alone
      const c = String.fromCharCode(code);
      values.push(c, `${c}=1`, ` ${c}x`, `\u3000${c}`);
    }
    values.push("\u{1F600}=1", "\u{10FFFF}");
    expectSame(roundTrip(rowsOf(values)));
  }, 60_000);

  it("names the actor as the API does, whatever the stored actor type", () => {
    const rows = ["user", "token", "system", "weird", "System", "", "=1"].flatMap((actorType) => [
      { actorType, cells: { actorId: "u1", actorEmail: "ann@example.com", actorRole: "member" } },
      { actorType, cells: { actorId: null, actorEmail: null, actorRole: null, tenantId: null, target: null, details: null } },
      { actorType, cells: { actorId: "=evil" } },
    ]);
    expectSame(roundTrip(rows));
  });

  it("writes the time as toISOString from the stored form, and leaves any other form to csvLine (NULL)", () => {
    const canonical = ["2026-11-30T01:02:03.456+00:00", "1970-01-01T00:00:00.000+00:00", "9999-12-31T23:59:59.999+00:00"];
    expectSame(roundTrip(canonical.map((at) => ({ at, cells: {} }))));
    const other = ["2026-11-30T01:02:03.456Z", "2026-11-30 01:02:03", "2026-11-30T01:02:03.456789+00:00", "2026-11-30T02:02:03.456+01:00"];
    expect(roundTrip(other.map((at) => ({ at, cells: {} }))).map((r) => r.line)).toEqual(other.map(() => null));
  });

  it("uses the blanks and formula characters of csvCell's FORMULA_START, no more and no fewer", () => {
    const blanks: string[] = [];
    for (let code = 0; code < 0x10000; code++) {
      const c = String.fromCharCode(code);
      if (/[\s\u3000]/.test(c) && !"\t\r\n".includes(c)) blanks.push(c);
    }
    expect([...LEADING_BLANKS].sort()).toEqual(blanks.sort());
    expect([...FORMULA_FIRST].filter((c) => !csvCell(c).startsWith(`"'`))).toEqual([]);
  });
});
