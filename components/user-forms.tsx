"use client";

import { useActionState } from "react";
import { createUserAction, updateUserAction } from "@/lib/actions/users";
import { emptyFormState, type FormState } from "@/lib/forms/form-state";
import type { MembershipRole, UserDto } from "@/lib/schemas/user";
import { Field } from "@/components/field";
import { FieldError, FormMessage } from "@/components/form-bits";

interface TenantOption {
  id: string;
  name: string;
}

function RoleSelect({ id, defaultValue, errors }: { id: string; defaultValue: string; errors?: string[] }) {
  return (
    <Field id={id} label="Role" errors={errors}>
      {(control) => (
        // Keyed by the value: React applies a select's defaultValue only when it mounts, and the
        // form's reset after the action returns it to that (values kept after an error).
        <select {...control} key={defaultValue} name="role" defaultValue={defaultValue}>
          <option value="member">member — works inside its tenants</option>
          <option value="operator">operator — reads every tenant, changes nothing</option>
          <option value="admin">admin — manages tenants, users and the catalog</option>
        </select>
      )}
    </Field>
  );
}

function MembershipFields({ tenants, current, state }: { tenants: TenantOption[]; current: Map<string, MembershipRole>; state: FormState }) {
  if (tenants.length === 0) return <p className="muted">No tenants exist yet; create one to add members to it.</p>;
  const errors = Object.entries(state.errors ?? {})
    .filter(([k]) => k.startsWith("memberships"))
    .flatMap(([, v]) => v);
  return (
    <fieldset>
      <legend>Tenants</legend>
      {tenants.map((t) => {
        const role = state.values?.[`membership:${t.id}`] ?? current.get(t.id) ?? "";
        return (
          <div key={t.id} className="checkbox" style={{ justifyContent: "space-between", padding: "4px 0" }}>
            <label htmlFor={`m-${t.id}`} style={{ fontWeight: 400 }}>
              {t.name}
            </label>
            {/* Keyed by the value, as the role select is. */}
            <select key={role} id={`m-${t.id}`} name={`membership:${t.id}`} defaultValue={role}>
              <option value="">not a member</option>
              <option value="member">member</option>
              <option value="owner">owner</option>
            </select>
          </div>
        );
      })}
      <FieldError id="memberships-error" errors={errors} />
    </fieldset>
  );
}

export function CreateUserForm({ tenants }: { tenants: TenantOption[] }) {
  const [state, action, pending] = useActionState(createUserAction, emptyFormState);
  return (
    <form action={action} className="stack" noValidate aria-label="Create user">
      <Field id="new-email" label="Email" errors={state.errors?.email}>
        {(control) => <input {...control} name="email" type="email" autoComplete="off" defaultValue={state.values?.email ?? ""} required />}
      </Field>
      <Field
        id="new-password"
        label="Initial password"
        hint="At least 12 characters. Share it with the person once; it is never shown again."
        errors={state.errors?.password}
      >
        {(control) => <input {...control} name="password" type="password" autoComplete="new-password" required />}
      </Field>
      <RoleSelect id="new-role" defaultValue={state.values?.role ?? "member"} errors={state.errors?.role} />
      <MembershipFields tenants={tenants} current={new Map()} state={state} />
      <FormMessage state={state} />
      <div>
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Creating…" : "Create user"}
        </button>
      </div>
    </form>
  );
}

export function EditUserForm({ user, tenants, isSelf }: { user: UserDto; tenants: TenantOption[]; isSelf: boolean }) {
  const [state, action, pending] = useActionState(updateUserAction.bind(null, user.id), emptyFormState);
  const current = new Map(user.memberships.map((m) => [m.tenantId, m.role] as const));
  return (
    <form action={action} className="stack" noValidate aria-label="Edit user">
      <RoleSelect id="edit-role" defaultValue={state.values?.role ?? user.role} errors={state.errors?.role} />
      <div className="field">
        <label className="checkbox" htmlFor="edit-disabled">
          <input
            id="edit-disabled"
            name="disabled"
            type="checkbox"
            defaultChecked={state.values ? state.values.disabled === "on" : user.disabled}
            disabled={isSelf}
          />
          Disabled — signed out on their next request; their API tokens stop working
        </label>
        {isSelf && <span className="hint">You cannot disable your own account.</span>}
        <FieldError id="edit-disabled-error" errors={state.errors?.disabled} />
      </div>
      <MembershipFields tenants={tenants} current={current} state={state} />
      <FormMessage state={state} />
      <div>
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Saving…" : "Save changes"}
        </button>
      </div>
    </form>
  );
}
