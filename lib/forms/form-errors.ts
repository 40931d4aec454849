import "server-only";
import { ServiceError } from "@/lib/errors";
import type { FormState } from "@/lib/forms/form-state";

function byPath(fields: { path: string; message: string }[]): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const f of fields) (errors[f.path || "_form"] ??= []).push(f.message);
  return errors;
}

/** Turns a service error into form state; anything else is rethrown (it is a bug or a redirect). */
export function formStateFromError(error: unknown): FormState {
  if (error instanceof ServiceError) {
    // Field errors sit under their fields; the form-level message only points at them.
    if (error.code === "validation_failed" && error.fields?.length) {
      return { message: "Check the highlighted fields.", errors: byPath(error.fields) };
    }
    return { message: error.message, errors: error.fields ? byPath(error.fields) : undefined };
  }
  throw error;
}

/**
 * The named fields as the person typed them, for a form to show again with its errors
 * (FormState.values). Only the fields named are kept, so a password or token a form also
 * sends never comes back; a name ending in `*` keeps every field starting with the rest.
 */
export function submittedValues(formData: FormData, names: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value !== "string") continue;
    if (names.some((name) => (name.endsWith("*") ? key.startsWith(name.slice(0, -1)) : key === name))) values[key] = value;
  }
  return values;
}
