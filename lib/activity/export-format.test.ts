import { describe, expect, it } from "vitest";
import { toActivityEventDto } from "./event-dto";
import { csvCell, csvLine, CSV_COLUMNS, jsonLine, type ExportRow } from "./export-format";

describe("csvCell", () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ["+1+cmd|' /C calc'!A0", `"'+1+cmd|' /C calc'!A0"`],
    ["-2+3", `"'-2+3"`],
    ["@SUM(A1)", `"'@SUM(A1)"`],
    ["\t=1", `"'\t=1"`],
    ["\r=1", `"'\r=1"`],
    ["  =1+1", `"'  =1+1"`],
    ["\uFF1D1+1", `"'\uFF1D1+1"`],
  ])("neutralises a formula: %j", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it.each([
    ["plain", "plain"],
    ["a,b", `"a,b"`],
    ['say "hi"', `"say ""hi"""`],
    ["line\nbreak", `"line\nbreak"`],
    ["1-2", "1-2"],
    ["", ""],
  ])("quotes only what needs it: %j", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it("leaves null as an empty cell", () => {
    expect(csvCell(null)).toBe("");
  });
});

/** A stored event as the export reads it. */
function row(over: Partial<ExportRow> = {}): ExportRow {
  return {
    seq: 42,
    at: new Date("2026-11-30T01:02:03.456Z"),
    actorType: "user",
    actorId: "u1",
    actorEmail: "ann@example.com",
    actorRole: "member",
    tenantId: "t1",
    action: "container.launch",
    target: "container:web",
    outcome: "allowed",
    reason: null,
    ip: "10.0.0.1",
    userAgent: 'Mozilla/5.0 "quoted", with commas',
    requestId: "r1",
    details: JSON.stringify({ image: "berth/static-web:1", ports: [{ container: 8080 }], note: "line\\nbreak \u2028 ü" }),
    hash: "ab".repeat(32),
    ...over,
  };
}

const rows: [string, ExportRow][] = [
  ["a user's event", row()],
  ["a system event without a tenant", row({ actorType: "system", actorId: null, actorEmail: null, actorRole: null, tenantId: null, target: null })],
  ["a token's denial", row({ actorType: "token", outcome: "denied", reason: "=cmd|' /C calc'!A0", details: null })],
  ["an unknown actor type", row({ actorType: "weird", ip: null, userAgent: null, requestId: null })],
  ["details that are not an object", row({ details: "[1,2]" })],
  ["details that are not JSON", row({ details: "{not json" })],
  ["details with a raw line break", row({ details: '{\n"a": 1}' })],
];

describe("export lines", () => {
  it.each(rows)("a JSON Lines record is the API's ActivityEvent: %s", (_, r) => {
    const line = jsonLine(r);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\r\n]/);
    // Byte for byte what stringifying the API's DTO gives.
    expect(line).toBe(JSON.stringify(toActivityEventDto({ ...r, prevHash: null })) + "\n");
  });

  it.each(rows)("a CSV line has its cells in the header's order, details as stored: %s", (_, r) => {
    const dto = toActivityEventDto({ ...r, prevHash: null });
    const cells = [
      dto.id,
      dto.at,
      dto.actor.type,
      dto.actor.id,
      dto.actor.email,
      dto.actor.role,
      dto.tenantId,
      dto.action,
      dto.target,
      dto.outcome,
      dto.reason,
      dto.ip,
      dto.userAgent,
      dto.requestId,
      r.details,
      dto.hash,
    ];
    expect(cells).toHaveLength(CSV_COLUMNS.length);
    expect(csvLine(r)).toBe(cells.map(csvCell).join(",") + "\r\n");
  });
});
