"use client";

import { useActionState } from "react";
import { addMemberAction } from "@/lib/actions/tenants";
import { emptyFormState } from "@/lib/forms/form-state";
import { Field } from "@/components/field";
import { FormMessage } from "@/components/form-bits";

/** The tenant page's "add a member": a user by email, and their role in the tenant. */
export function AddMemberForm({ tenantId, suggestions }: { tenantId: string; suggestions: string[] }) {
  const [state, action, pending] = useActionState(addMemberAction.bind(null, tenantId), emptyFormState);
  const role = state.values?.role ?? "member";
  return (
    <form action={action} className="inline" noValidate aria-label="Add member">
      <Field id="member-email" label="User's email" errors={state.errors?.email ?? state.errors?.userId}>
        {(control) => (
          <input
            {...control}
            name="email"
            type="email"
            list="member-suggestions"
            autoComplete="off"
            defaultValue={state.values?.email ?? ""}
            required
          />
        )}
      </Field>
      <datalist id="member-suggestions">
        {suggestions.map((email) => (
          <option key={email} value={email} />
        ))}
      </datalist>
      <Field id="member-role" label="Tenant role" errors={state.errors?.role}>
        {(control) => (
          // Keyed by the value, so the value kept after an error is the one shown.
          <select {...control} key={role} name="role" defaultValue={role}>
            <option value="member">member</option>
            <option value="owner">owner</option>
          </select>
        )}
      </Field>
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Adding…" : "Add member"}
      </button>
      <div style={{ flexBasis: "100%" }}>
        <FormMessage state={state} />
      </div>
    </form>
  );
}
