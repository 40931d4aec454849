"use client";

import { useActionState, useState, useTransition } from "react";
import { renameTenantAction, setTenantSuspendedAction } from "@/lib/actions/tenants";
import { emptyFormState, type FormState } from "@/lib/forms/form-state";
import { Field } from "@/components/field";
import { FormMessage } from "@/components/form-bits";

export function RenameTenantForm({ tenantId, name }: { tenantId: string; name: string }) {
  const [state, action, pending] = useActionState(renameTenantAction.bind(null, tenantId), emptyFormState);
  return (
    <form action={action} className="inline" noValidate aria-label="Rename tenant">
      <Field id="rename" label="Display name" errors={state.errors?.name}>
        {(control) => <input {...control} name="name" type="text" defaultValue={state.values?.name ?? name} required />}
      </Field>
      <button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Rename"}
      </button>
      <div style={{ flexBasis: "100%" }}>
        <FormMessage state={state} />
      </div>
    </form>
  );
}

export function SuspendTenantButton({ tenantId, name, suspended }: { tenantId: string; name: string; suspended: boolean }) {
  const [state, setState] = useState<FormState>(emptyFormState);
  const [pending, startTransition] = useTransition();
  const toggle = () => {
    const question = suspended
      ? `Resume “${name}”? Its members can launch containers again.`
      : `Suspend “${name}”? Its members will not be able to launch or start containers until it is resumed.`;
    if (!window.confirm(question)) return;
    startTransition(async () => setState(await setTenantSuspendedAction(tenantId, !suspended)));
  };
  return (
    <div>
      <p className="muted" style={{ marginTop: 0 }}>
        {suspended ? "This tenant is suspended." : "Suspending stops new launches and starts for this tenant."}
      </p>
      <button type="button" className={suspended ? "" : "danger"} onClick={toggle} disabled={pending}>
        {pending ? "Saving…" : suspended ? "Resume tenant" : "Suspend tenant"}
      </button>
      <FormMessage state={state} />
    </div>
  );
}
