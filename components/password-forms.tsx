"use client";

import { useActionState } from "react";
import { changePasswordAction } from "@/lib/actions/account";
import { resetPasswordAction } from "@/lib/actions/users";
import { emptyFormState } from "@/lib/forms/form-state";
import { Field } from "@/components/field";
import { FormMessage } from "@/components/form-bits";

/*
 * Password fields are never refilled after an error (FormState.values holds no password):
 * the person types them again. React resets the form after its action, so a success
 * clears them too.
 */

export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, emptyFormState);
  return (
    <form action={action} className="stack" noValidate aria-label="Change password">
      <Field id="current-password" label="Current password" errors={state.errors?.currentPassword}>
        {(control) => <input {...control} name="currentPassword" type="password" autoComplete="current-password" required />}
      </Field>
      <Field
        id="new-password"
        label="New password"
        hint="At least 12 characters. Your other sessions are signed out and your API tokens revoked."
        errors={state.errors?.newPassword}
      >
        {(control) => <input {...control} name="newPassword" type="password" autoComplete="new-password" required minLength={12} />}
      </Field>
      <FormMessage state={state} />
      <div>
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Changing…" : "Change password"}
        </button>
      </div>
    </form>
  );
}

export function ResetPasswordForm({ userId, email }: { userId: string; email: string }) {
  const [state, action, pending] = useActionState(resetPasswordAction.bind(null, userId), emptyFormState);
  return (
    <form
      action={action}
      className="stack"
      noValidate
      aria-label="Reset password"
      onSubmit={(event) => {
        if (!window.confirm(`Reset the password of ${email}? They are signed out everywhere and their API tokens stop working.`))
          event.preventDefault();
      }}
    >
      <Field
        id="reset-password"
        label="New password"
        hint="At least 12 characters. Give it to the person yourself; it is never shown again."
        errors={state.errors?.password}
      >
        {(control) => <input {...control} name="password" type="password" autoComplete="new-password" required />}
      </Field>
      <FormMessage state={state} />
      <div>
        <button type="submit" className="danger" disabled={pending}>
          {pending ? "Resetting…" : "Reset password"}
        </button>
      </div>
    </form>
  );
}
