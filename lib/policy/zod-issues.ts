import type { z } from "zod";
import { formatPath, violation, type ControlId, type Violation } from "./violation";

const UNKNOWN_FIELD_HINT = "Berth builds every Docker option itself";

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    // Own properties only: a path segment such as "constructor" must not find an
    // inherited value and make a missing field look present.
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Turns zod issues into violations with a field path and a sentence a person understands. */
export function issuesToViolations(issues: readonly z.core.$ZodIssue[], input: unknown): Violation[] {
  const out: Violation[] = [];
  for (const issue of issues) {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        out.push(violation("INPUT", formatPath([...path, key]), `unknown field ${JSON.stringify(key)} — ${UNKNOWN_FIELD_HINT}`));
      }
      continue;
    }
    const value = valueAt(input, path);
    let message = issue.message;
    if (issue.code === "invalid_type") {
      if (path.length === 0) message = "the launch request must be a JSON object";
      else if (value === undefined) message = "is required";
      else message = `${issue.message} (got ${describeType(value)})`;
    }
    const control = issue.code === "custom" ? (issue.params as { control?: ControlId } | undefined)?.control : undefined;
    out.push(violation(control ?? "INPUT", formatPath(path), message));
  }
  return out;
}
