import type { FormState } from "@/lib/forms/form-state";

/** A field's errors under it, announced to screen readers as they appear. */
export function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  return (
    <div id={id} className="field-error" aria-live="polite">
      {errors?.map((e) => (
        <p key={e} style={{ margin: 0 }}>
          {e}
        </p>
      ))}
    </div>
  );
}

export function FormMessage({ state }: { state: FormState }) {
  return (
    <div aria-live="polite">
      {state.message && (
        <p role={state.ok ? "status" : "alert"} className={`form-message ${state.ok ? "ok" : "error"}`}>
          {state.message}
        </p>
      )}
    </div>
  );
}
