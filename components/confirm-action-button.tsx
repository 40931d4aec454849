"use client";

import { useState, useTransition } from "react";
import { emptyFormState, type FormState } from "@/lib/forms/form-state";
import { ActionMessage } from "@/components/form-bits";

/**
 * A destructive action behind a confirmation that names what will be destroyed (ui.md),
 * with its pending state and, on failure, the reason next to it. `action` is a Server
 * Action with its target already bound.
 */
export function ConfirmActionButton(props: {
  action: () => Promise<FormState>;
  question: string;
  label: string;
  pendingLabel: string;
  ariaLabel: string;
  /** "danger" (default) for what removes or stops; "plain" for what only adds. */
  tone?: "danger" | "plain";
}) {
  const [state, setState] = useState<FormState>(emptyFormState);
  const [pending, startTransition] = useTransition();
  return (
    <>
      <button
        type="button"
        className={props.tone === "plain" ? undefined : "danger"}
        disabled={pending}
        aria-label={props.ariaLabel}
        onClick={() => {
          if (!window.confirm(props.question)) return;
          startTransition(async () => setState(await props.action()));
        }}
      >
        {pending ? props.pendingLabel : props.label}
      </button>
      <ActionMessage state={state.ok ? emptyFormState : state} onDismiss={() => setState(emptyFormState)} placement="toast" />
    </>
  );
}
