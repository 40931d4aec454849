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
 * RFC 4180 quoting, and a leading apostrophe on cells a spreadsheet would run as a formula:
 * targets, reasons and user agents are caller-controlled text (CSV injection).
 */
export function csvCell(value: string | null | undefined): string {
  let text = value ?? "";
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
