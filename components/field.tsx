import type { ReactNode } from "react";
import { FieldError } from "@/components/form-bits";

/** What a field hands its control so the label, hint and error are tied to it. */
export interface FieldControlProps {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string;
}

/**
 * A labelled form control with its hint and, under it, its errors. The control comes from
 * `children`, which receives the id and aria wiring to spread onto it:
 *
 *   <Field id="token-name" label="Name" errors={state.errors?.name}>
 *     {(control) => <input {...control} name="name" type="text" />}
 *   </Field>
 *
 * The hint is `${id}-hint` and the error `${id}-error`; tests and other controls may refer
 * to those ids. The error region is always rendered so screen readers announce an error
 * the moment it appears.
 */
export function Field({
  id,
  label,
  hint,
  errors,
  invalid,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[];
  /** Marks the control invalid even without a message of its own (e.g. a client-side check). */
  invalid?: boolean;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const hasErrors = invalid === true || (errors?.length ?? 0) > 0;
  return (
    <div className={className ? `field ${className}` : "field"}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        "aria-invalid": hasErrors ? true : undefined,
        "aria-describedby": hint ? `${hintId} ${errorId}` : errorId,
      })}
      {hint && (
        <span id={hintId} className="hint">
          {hint}
        </span>
      )}
      <FieldError id={errorId} errors={errors} />
    </div>
  );
}
