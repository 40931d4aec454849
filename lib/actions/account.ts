"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { signIn } from "@/lib/auth/next-auth";
import { formStateFromError } from "@/lib/forms/form-errors";
import type { FormState } from "@/lib/forms/form-state";
import { changeOwnPassword } from "@/lib/services/passwords";

/**
 * The account page's password change. Every session of the user ends with it, this one
 * too; the browser is signed in again with the new password just typed, so only the
 * *other* sessions are out. Should that sign-in be refused (throttled), the person signs in
 * by hand. Neither password is ever sent back to the form.
 */
export async function changePasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  const newPassword = formData.get("newPassword");
  try {
    await changeOwnPassword(actor, { currentPassword: formData.get("currentPassword"), newPassword });
  } catch (error) {
    return formStateFromError(error);
  }
  try {
    await signIn("credentials", { email: actor.email, password: String(newPassword), redirect: false });
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    redirect("/signin");
  }
  return { ok: true, message: "Password changed. Your other sessions are signed out and your API tokens revoked." };
}
