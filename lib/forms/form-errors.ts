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
