"use server";

import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { formStateFromError, submittedValues } from "@/lib/forms/form-errors";
import type { FormState } from "@/lib/forms/form-state";
import { resetUserPassword } from "@/lib/services/passwords";
import { createUser, updateUser } from "@/lib/services/users";

/** Memberships come from one select per tenant, named `membership:<tenantId>`. */
function membershipsFrom(formData: FormData) {
  const memberships: { tenantId: string; role: FormDataEntryValue }[] = [];
  for (const [key, value] of formData.entries()) {
    if (key.startsWith("membership:") && value !== "") memberships.push({ tenantId: key.slice("membership:".length), role: value });
  }
  return memberships;
}

export async function createUserAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    const user = await createUser(actor, {
      email: formData.get("email"),
      password: formData.get("password"),
      role: formData.get("role"),
      memberships: membershipsFrom(formData),
    });
    revalidatePath("/users");
    return { ok: true, message: `User ${user.email} created.` };
  } catch (error) {
    // The password is not sent back: it is typed again.
    return { ...formStateFromError(error), values: submittedValues(formData, ["email", "role", "membership:*"]) };
  }
}

export async function updateUserAction(userId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    const user = await updateUser(actor, userId, {
      role: formData.get("role"),
      disabled: formData.get("disabled") === "on",
      memberships: membershipsFrom(formData),
    });
    revalidatePath("/users");
    revalidatePath(`/users/${userId}`);
    return { ok: true, message: `Saved ${user.email}.` };
  } catch (error) {
    return { ...formStateFromError(error), values: submittedValues(formData, ["role", "disabled", "membership:*"]) };
  }
}

/** The user page's reset: nothing typed is sent back, there is only the password. */
export async function resetPasswordAction(userId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    await resetUserPassword(actor, userId, { password: formData.get("password") });
    revalidatePath(`/users/${userId}`);
    return { ok: true, message: "Password reset. Their sessions are signed out and their API tokens revoked; give them the new password." };
  } catch (error) {
    return formStateFromError(error);
  }
}
