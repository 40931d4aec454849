import type { z } from "zod";
import { ServiceError, type FieldError } from "@/lib/errors";

/** `volumes[0].path` from zod's path array: the form a person reads in an error. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  const fields: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      // Unknown fields are errors, never ignored: name each one.
      for (const key of issue.keys) {
        fields.push({
          path: formatPath([...issue.path, key.length > 64 ? `${key.slice(0, 64)}…` : key]),
          message: `unknown field "${key.length > 64 ? `${key.slice(0, 64)}…` : key}"`,
        });
      }
      continue;
    }
    fields.push({ path: formatPath(issue.path), message: issue.message });
  }
  return fields;
}

/** Parses input with a zod schema or throws `validation_failed` naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = fieldErrorsOf(result.error);
  const summary = fields.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join("; ");
  throw new ServiceError("validation_failed", `The request is not valid: ${summary}`, fields);
}
