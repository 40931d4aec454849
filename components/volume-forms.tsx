"use client";

import { useActionState } from "react";
import { createVolumeAction } from "@/lib/actions/volumes";
import { emptyFormState } from "@/lib/forms/form-state";
import { FieldError, FormMessage } from "@/components/form-bits";

export function CreateVolumeForm({ tenantId }: { tenantId: string }) {
  const [state, action, pending] = useActionState(createVolumeAction.bind(null, tenantId), emptyFormState);
  return (
    <form action={action} className="inline" noValidate aria-label="Create volume">
      <div className="field">
        <label htmlFor="volume-name">Name</label>
        <input id="volume-name" name="name" type="text" placeholder="data" defaultValue={state.values?.name} required aria-invalid={!!state.errors?.name} aria-describedby="volume-name-error" />
        <FieldError id="volume-name-error" errors={state.errors?.name} />
      </div>
      <button type="submit" className="primary" disabled={pending}>{pending ? "Creating…" : "Create volume"}</button>
      <div style={{ flexBasis: "100%" }}><FormMessage state={state} /></div>
    </form>
  );
}
