"use client";

import { useActionState, useState } from "react";
import { createTokenAction } from "@/lib/actions/tokens";
import { emptyFormState } from "@/lib/forms/form-state";
import { Field } from "@/components/field";
import { FormMessage } from "@/components/form-bits";

export function CreateTokenForm() {
  const [state, action, pending] = useActionState(createTokenAction, emptyFormState);
  const [copied, setCopied] = useState(false);
  return (
    <>
      <form action={action} className="inline" noValidate aria-label="Create API token">
        <Field id="token-name" label="Name" errors={state.errors?.name}>
          {(control) => <input {...control} name="name" type="text" placeholder="ci-deploy" defaultValue={state.values?.name ?? ""} required />}
        </Field>
        <Field id="token-expiry" label="Expires in (days)" errors={state.errors?.expiresInDays}>
          {(control) => (
            <input {...control} name="expiresInDays" type="number" min={1} max={365} defaultValue={state.values?.expiresInDays ?? "30"} required />
          )}
        </Field>
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Creating…" : "Create token"}
        </button>
      </form>
      <FormMessage state={state} />
      {state.secret && (
        <div className="field" style={{ marginTop: 8 }}>
          <label htmlFor="new-token">Your new token</label>
          <output id="new-token" className="secret">
            {state.secret}
          </output>
          <div>
            <button
              type="button"
              onClick={async () => {
                await navigator.clipboard?.writeText(state.secret ?? "");
                setCopied(true);
              }}
            >
              {copied ? "Copied" : "Copy to clipboard"}
            </button>
          </div>
        </div>
      )}
    </>
  );
}
