"use client";

import { useActionState } from "react";
import { signInAction } from "@/lib/actions/sign-in";
import { emptyFormState } from "@/lib/forms/form-state";
import { Field } from "@/components/field";
import { FormMessage } from "@/components/form-bits";

export function SignInForm({ next }: { next?: string }) {
  const [state, action, pending] = useActionState(signInAction, emptyFormState);
  return (
    <form action={action} className="stack" noValidate>
      <input type="hidden" name="next" value={next ?? "/"} />
      <Field id="email" label="Email" errors={state.errors?.email}>
        {(control) => <input {...control} name="email" type="email" autoComplete="username" defaultValue={state.values?.email} required />}
      </Field>
      <Field id="password" label="Password" errors={state.errors?.password}>
        {(control) => <input {...control} name="password" type="password" autoComplete="current-password" required />}
      </Field>
      <FormMessage state={state} />
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
