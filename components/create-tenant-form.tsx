"use client";

import { useActionState } from "react";
import { createTenantAction } from "@/lib/actions/tenants";
import { emptyFormState } from "@/lib/forms/form-state";
import { FieldError, FormMessage } from "@/components/form-bits";

export function CreateTenantForm() {
  const [state, action, pending] = useActionState(createTenantAction, emptyFormState);
  return (
    <form action={action} className="inline" noValidate aria-label="Create tenant">
      <div className="field">
        <label htmlFor="tenant-name">Name</label>
        <input id="tenant-name" name="name" type="text" required aria-invalid={!!state.errors?.name} aria-describedby="tenant-name-error" />
        <FieldError id="tenant-name-error" errors={state.errors?.name} />
      </div>
      <div className="field">
        <label htmlFor="tenant-slug">Slug</label>
        <input id="tenant-slug" name="slug" type="text" required pattern="[a-z0-9][a-z0-9-]{1,30}" aria-invalid={!!state.errors?.slug} aria-describedby="tenant-slug-hint tenant-slug-error" />
        <span id="tenant-slug-hint" className="hint">lowercase, used in container and network names</span>
        <FieldError id="tenant-slug-error" errors={state.errors?.slug} />
      </div>
      <button type="submit" className="primary" disabled={pending}>{pending ? "Creating…" : "Create tenant"}</button>
      <div style={{ flexBasis: "100%" }}><FormMessage state={state} /></div>
    </form>
  );
}
