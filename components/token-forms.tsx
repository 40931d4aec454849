"use client";

import { useActionState, useState } from "react";
import { createTokenAction } from "@/lib/actions/tokens";
import { emptyFormState } from "@/lib/forms/form-state";
import { FieldError, FormMessage } from "@/components/form-bits";

export function CreateTokenForm() {
  const [state, action, pending] = useActionState(createTokenAction, emptyFormState);
  const [copied, setCopied] = useState(false);
  return (
    <>
      <form action={action} className="inline" noValidate aria-label="Create API token">
        <div className="field">
          <label htmlFor="token-name">Name</label>
          <input id="token-name" name="name" type="text" placeholder="ci-deploy" required aria-invalid={!!state.errors?.name} aria-describedby="token-name-error" />
          <FieldError id="token-name-error" errors={state.errors?.name} />
        </div>
        <div className="field">
          <label htmlFor="token-expiry">Expires in (days)</label>
          <input id="token-expiry" name="expiresInDays" type="number" min={1} max={365} defaultValue={30} required aria-invalid={!!state.errors?.expiresInDays} aria-describedby="token-expiry-error" />
          <FieldError id="token-expiry-error" errors={state.errors?.expiresInDays} />
        </div>
        <button type="submit" className="primary" disabled={pending}>{pending ? "Creating…" : "Create token"}</button>
      </form>
      <FormMessage state={state} />
      {state.secret && (
        <div className="field" style={{ marginTop: 8 }}>
          <label htmlFor="new-token">Your new token</label>
          <output id="new-token" className="secret">{state.secret}</output>
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
