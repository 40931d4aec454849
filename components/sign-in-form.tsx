"use client";

import { useActionState } from "react";
import { signInAction } from "@/lib/actions/sign-in";
import { emptyFormState } from "@/lib/forms/form-state";
import { FieldError, FormMessage } from "@/components/form-bits";

export function SignInForm({ next }: { next?: string }) {
  const [state, action, pending] = useActionState(signInAction, emptyFormState);
  return (
    <form action={action} className="stack" noValidate>
      <input type="hidden" name="next" value={next ?? "/"} />
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" defaultValue={state.values?.email} required aria-describedby="email-error" />
        <FieldError id="email-error" errors={state.errors?.email} />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required aria-describedby="password-error" />
        <FieldError id="password-error" errors={state.errors?.password} />
      </div>
      <FormMessage state={state} />
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
