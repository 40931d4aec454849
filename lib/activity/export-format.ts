import type { ActivityEventDto } from "@/lib/schemas/activity";

export const CSV_COLUMNS = [
  "id",
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

/** One event as a JSON Lines record: the API's ActivityEvent shape. */
export function jsonLine(e: ActivityEventDto): string {
  return JSON.stringify(e) + "\n";
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(",") + "\r\n";
}

export function csvLine(e: ActivityEventDto): string {
  const cells: (string | null | undefined)[] = [
    e.id,
    e.at,
    e.actor.type,
    e.actor.id,
    e.actor.email,
    e.actor.role,
    e.tenantId,
    e.action,
    e.target,
    e.outcome,
    e.reason,
    e.ip,
    e.userAgent,
    e.requestId,
    e.details ? JSON.stringify(e.details) : "",
    e.hash,
  ];
  return cells.map(csvCell).join(",") + "\r\n";
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
