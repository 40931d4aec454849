import type { ControlId, Violation } from "./violation";
import { violation } from "./violation";

/*
 * The daemon decodes request bodies with Go's encoding/json, which matches object keys to
 * struct fields case-insensitively ("privileged", "PRIVILEGED" and "Privileged" are one
 * field), and for field names containing "k" or "s" it also folds U+212A KELVIN SIGN to
 * "k" and U+017F LATIN SMALL LETTER LONG S to "s" ("ſecurityOpt" is SecurityOpt). When a
 * key appears twice the last one wins. The checkers therefore compare keys the way Go does
 * and treat any non-canonical spelling or fold-duplicate as a violation.
 */
export function goFoldKey(key: string): string {
  return key
    .replace(/\u017f/g, "s")
    .replace(/\u212a/g, "k")
    .replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Go's zero value after JSON decoding: sending it is the same as not sending the field. */
export function isUnset(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}

export type ControlOf = (foldedKey: string) => ControlId | "INPUT";

export interface StructSpec {
  /** Canonical (Docker API) field names the checker understands at this level. */
  known: readonly string[];
  /** Control a field belongs to, for messages about spelling and unknown fields. */
  controlOf: ControlOf;
  /** Flag unknown fields that are set; off for inspect output, which fills every field. */
  flagUnknown: boolean;
  /** Fields where even an empty value changes behaviour (e.g. MaskedPaths: [] unmasks /proc). */
  presenceMatters?: ReadonlySet<string>;
  /** Extra explanation for unknown fields at this level. */
  unknownHint?: string;
}

/**
 * Reads one Go struct level: returns canonical field name → value, reporting non-canonical
 * spellings, case-fold duplicates, and unknown fields that are set.
 */
export function readStruct(
  value: unknown,
  path: string,
  spec: StructSpec,
  out: Violation[],
  shapeControl: ControlId | "INPUT",
): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  if (value === undefined || value === null) return fields;
  if (!isPlainObject(value)) {
    out.push(violation(shapeControl, path, "must be a JSON object"));
    return fields;
  }
  const byFold = new Map(spec.known.map((k) => [goFoldKey(k), k] as const));
  const seen = new Map<string, string>();
  for (const key of Object.keys(value)) {
    const folded = goFoldKey(key);
    const fieldPath = path === "" ? key : `${path}.${key}`;
    const control = spec.controlOf(folded);
    const earlier = seen.get(folded);
    if (earlier !== undefined) {
      out.push(violation(control, fieldPath, `duplicates field "${earlier}": Docker reads field names case-insensitively and the last one wins`));
    }
    seen.set(folded, key);
    const canonical = byFold.get(folded);
    const fieldValue = value[key];
    if (canonical !== undefined) {
      if (key !== canonical) {
        out.push(violation(control, fieldPath, `must be spelled "${canonical}": Docker reads "${key}" as that field`));
      }
      fields.set(canonical, fieldValue);
      continue;
    }
    if (!spec.flagUnknown) continue;
    const matters = spec.presenceMatters?.has(folded) === true && fieldValue !== undefined && fieldValue !== null;
    if (matters || !isUnset(fieldValue)) {
      out.push(violation(control, fieldPath, `field "${key}" is not one Berth sets, and it is set here${spec.unknownHint ?? ""}`));
    }
  }
  return fields;
}

/**
 * Rejects anything that JSON.stringify would not send verbatim: class instances, toJSON
 * methods and getters could make the checked object differ from the body on the wire.
 */
export function checkPlainJson(value: unknown, path: string, out: Violation[], depth = 0): void {
  if (depth > 32) {
    out.push(violation("INPUT", path, "is nested too deeply"));
    return;
  }
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) out.push(violation("INPUT", path, "must be a finite number"));
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkPlainJson(value[i], `${path}[${i}]`, out, depth + 1);
    return;
  }
  if (!isPlainObject(value)) {
    out.push(violation("INPUT", path, `must be plain JSON data (got ${typeof value})`));
    return;
  }
  for (const key of Object.keys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    const childPath = path === "" ? key : `${path}.${key}`;
    if (descriptor === undefined || !("value" in descriptor) || key === "toJSON") {
      out.push(violation("INPUT", childPath, "must be a plain data property"));
      continue;
    }
    if (descriptor.value !== undefined) checkPlainJson(descriptor.value, childPath, out, depth + 1);
  }
}
