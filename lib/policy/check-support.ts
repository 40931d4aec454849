import type { ExpectedScope } from "./expected-scope";
import type { Violation } from "./violation";

/** Shared state of one check run (assertion or verification). */
export interface CheckRun {
  scope: ExpectedScope;
  out: Violation[];
  /** "create": the body Berth sends. "inspect": what the daemon reports, with defaults filled in. */
  mode: "create" | "inspect";
}

export const isString = (v: unknown): v is string => typeof v === "string";
export const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
export const join = (path: string, key: string): string => (path === "" ? key : `${path}.${key}`);
export const show = (v: unknown): string => (v === undefined ? "missing" : (JSON.stringify(v) ?? String(v)));

export function stringArray(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isString)) return undefined;
  return value;
}

/** Docker's capability spelling rules: case-insensitive, optional "CAP_" prefix. */
export function normaliseCapability(cap: string): string {
  const upper = cap.toUpperCase();
  return upper.startsWith("CAP_") ? upper.slice(4) : upper;
}

/** Parses Docker byte sizes such as "10m" (units k, m, g; optional "b"). */
export function parseByteSize(value: string): number | undefined {
  const m = /^([0-9]{1,12})([kmg]?)b?$/i.exec(value);
  if (m === null) return undefined;
  const unit = (m[2] ?? "").toLowerCase();
  const factor = unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : 1;
  return Number(m[1]) * factor;
}
