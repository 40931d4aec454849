"use client";

import { useActionState } from "react";
import { archiveActivityAction } from "@/lib/actions/activity";
import { emptyFormState } from "@/lib/forms/form-state";
import { Field } from "@/components/field";
import { FormMessage } from "@/components/form-bits";

/**
 * Admins move old events out of the database into a signed file (retention). Asks first,
 * naming what happens: the events leave the portal's screens and live on in the file.
 */
export function ArchiveActivityForm() {
  const [state, action, pending] = useActionState(archiveActivityAction, emptyFormState);
  return (
    <details className="panel archive-activity">
      <summary>Archive old events</summary>
      <form
        action={action}
        className="inline"
        noValidate
        aria-label="Archive old events"
        onSubmit={(event) => {
          const before = new FormData(event.currentTarget).get("before");
          // Without a date there is nothing to confirm: the server names the missing field.
          if (
            before &&
            !window.confirm(`Move every event before ${before} (UTC) out of the log into a signed archive file? They will no longer show here.`)
          ) {
            event.preventDefault();
          }
        }}
      >
        <Field
          id="archive-before"
          label="Events before (UTC)"
          hint="They are written to a signed JSON Lines file in the archive folder, then removed from the log; the chain goes on from a signed checkpoint."
          errors={state.errors?.before}
        >
          {(control) => <input {...control} name="before" type="date" defaultValue={state.values?.before} required />}
        </Field>
        <button type="submit" className="danger" disabled={pending}>
          {pending ? "Archiving…" : "Archive"}
        </button>
        <div style={{ flexBasis: "100%" }}>
          <FormMessage state={state} />
        </div>
      </form>
    </details>
  );
}
