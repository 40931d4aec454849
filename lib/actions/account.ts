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
 *
 * It ends with a redirect, not a returned state: the new session cookie is set in this
 * response, but this request still carries the old one, which no longer holds, so the page
 * re-rendered with the action's result would read as signed out. Next renders a redirect's
 * target with the cookies the action set.
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
  redirect("/settings/account?changed=1");
}
