import type { ActivityEvent } from "@/lib/generated/prisma/client";

/** An event as the export reads it: the stored columns, no link (prevHash). */
export type ExportRow = Omit<ActivityEvent, "prevHash">;

/** The stored columns the export reads (lib/services/activity.ts), in the file's order. */
export const EXPORT_COLUMNS = [
  "seq",
  "at",
  "actorType",
  "actorId",
  "actorEmail",
  "actorRole",
  "tenantId",
  "action",
  "target",
  "outcome",
  "reason",
  "ip",
  "userAgent",
  "requestId",
  "details",
  "hash",
] as const;

/** The CSV header: the stored columns, with `seq` named `id` as the API names it. */
export const CSV_COLUMNS = EXPORT_COLUMNS.map((c) => (c === "seq" ? "id" : c));

// The API's actor type and id (lib/activity/event-dto.ts): anything but a token or the system is a user.
const actorType = (t: string) => (t === "token" || t === "system" ? t : "user");

/**
 * One event as a JSON Lines record in the API's ActivityEvent shape (the same fields, in the
 * same order, as toActivityEventDto), written as text rather than built as an object and
 * stringified. `details` goes out as stored — the recorder wrote it with JSON.stringify — once
 * it parses as an object on one line; anything else (a row edited behind the database's
 * back) is wrapped as the API shows it, so every line stays one valid JSON record.
 */
export function jsonLine(e: ExportRow): string {
  const type = actorType(e.actorType);
  let line = `{"id":"${e.seq}","at":"${e.at.toISOString()}","actor":{"type":"${type}","id":${JSON.stringify(type === "system" ? "system" : e.actorId)}`;
  if (e.actorEmail) line += `,"email":${JSON.stringify(e.actorEmail)}`;
  if (e.actorRole) line += `,"role":${JSON.stringify(e.actorRole)}`;
  line += "}";
  if (e.tenantId) line += `,"tenantId":${JSON.stringify(e.tenantId)}`;
  line += `,"action":${JSON.stringify(e.action)}`;
  if (e.target) line += `,"target":${JSON.stringify(e.target)}`;
  line += `,"outcome":${JSON.stringify(e.outcome)}`;
  if (e.reason) line += `,"reason":${JSON.stringify(e.reason)}`;
  if (e.ip) line += `,"ip":${JSON.stringify(e.ip)}`;
  if (e.userAgent) line += `,"userAgent":${JSON.stringify(e.userAgent)}`;
  if (e.requestId) line += `,"requestId":${JSON.stringify(e.requestId)}`;
  if (e.details) line += `,"details":${detailsJson(e.details)}`;
  return `${line},"hash":${JSON.stringify(e.hash)}}\n`;
}

function detailsJson(stored: string): string {
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return JSON.stringify({ raw: stored });
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return JSON.stringify({ value });
  return /[\r\n]/.test(stored) ? JSON.stringify(value) : stored;
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(",") + "\r\n";
}

/**
 * One event as a CSV line; `details` is the stored JSON text, unparsed. The id, the time and
 * the actor type are made here (digits, ISO time, a fixed name) and need no quoting; every
 * stored text goes through csvCell.
 */
export function csvLine(e: ExportRow): string {
  const type = actorType(e.actorType);
  return (
    `${e.seq},${e.at.toISOString()},${type},${csvCell(type === "system" ? "system" : e.actorId)},${csvCell(e.actorEmail)},` +
    `${csvCell(e.actorRole)},${csvCell(e.tenantId)},${csvCell(e.action)},${csvCell(e.target)},${csvCell(e.outcome)},${csvCell(e.reason)},` +
    `${csvCell(e.ip)},${csvCell(e.userAgent)},${csvCell(e.requestId)},${csvCell(e.details)},${csvCell(e.hash)}\r\n`
  );
}

/**
 * A spreadsheet runs a cell that starts with =, +, -, @ (or their full-width forms, or a
 * tab, CR or LF, even after leading blanks) as a formula; targets, reasons and user agents
 * are caller-controlled text (CSV injection). As OWASP recommends, such a cell gets a
 * leading apostrophe and is always quoted; every cell gets RFC 4180 quoting where needed.
 */
const FORMULA_START = /^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\t\r\n]/;

export function csvCell(value: string | null | undefined): string {
  const text = value ?? "";
  if (FORMULA_START.test(text)) return `"'${text.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
