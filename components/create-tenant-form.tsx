"use client";

import { useActionState } from "react";
import { createTenantAction } from "@/lib/actions/tenants";
import { emptyFormState } from "@/lib/forms/form-state";
import { Field } from "@/components/field";
import { FormMessage } from "@/components/form-bits";

export function CreateTenantForm() {
  const [state, action, pending] = useActionState(createTenantAction, emptyFormState);
  return (
    <form action={action} className="inline" noValidate aria-label="Create tenant">
      <Field id="tenant-name" label="Name" errors={state.errors?.name}>
        {(control) => <input {...control} name="name" type="text" defaultValue={state.values?.name ?? ""} required />}
      </Field>
      <Field id="tenant-slug" label="Slug" hint="lowercase, used in container and network names" errors={state.errors?.slug}>
        {(control) => (
          <input {...control} name="slug" type="text" defaultValue={state.values?.slug ?? ""} required pattern="[a-z0-9][a-z0-9-]{1,30}" />
        )}
      </Field>
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Creating…" : "Create tenant"}
      </button>
      <div style={{ flexBasis: "100%" }}>
        <FormMessage state={state} />
      </div>
    </form>
  );
}
