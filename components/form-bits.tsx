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

/**
 * The result of a button's action (not a form's), shown over the page instead of in its
 * flow, so nothing moves when it appears (ui.md: no layout shift). "below" hangs under the
 * element wrapping the button (it needs `position: relative`: class `has-action-message`);
 * "toast" sits at the foot of the window, for buttons in tables that scroll sideways, which
 * would clip anything hanging out of them. The live region is always there, so the message
 * is announced when it appears.
 */
export function ActionMessage({ state, onDismiss, placement = "below" }: { state: FormState; onDismiss: () => void; placement?: "below" | "toast" }) {
  return (
    <div aria-live="polite" className={`action-message ${placement}`}>
      {state.message && (
        <div role={state.ok ? "status" : "alert"} className={`form-message ${state.ok ? "ok" : "error"}`}>
          <span>{state.message}</span>
          <button type="button" className="dismiss" aria-label="Dismiss message" onClick={onDismiss}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
