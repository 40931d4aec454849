"use client";

import { useActionState } from "react";
import { createVolumeAction } from "@/lib/actions/volumes";
import { emptyFormState } from "@/lib/forms/form-state";
import { Field } from "@/components/field";
import { FormMessage } from "@/components/form-bits";

export function CreateVolumeForm({ tenantId }: { tenantId: string }) {
  const [state, action, pending] = useActionState(createVolumeAction.bind(null, tenantId), emptyFormState);
  return (
    <form action={action} className="inline" noValidate aria-label="Create volume">
      <Field id="volume-name" label="Name" errors={state.errors?.name}>
        {(control) => <input {...control} name="name" type="text" placeholder="data" defaultValue={state.values?.name} required />}
      </Field>
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Creating…" : "Create volume"}
      </button>
      <div style={{ flexBasis: "100%" }}>
        <FormMessage state={state} />
      </div>
    </form>
  );
}
