"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { z } from "zod";
import { clientInfoFrom } from "@/lib/auth/client-info";
import { secondsUntilAllowed } from "@/lib/auth/login-throttle";
import { safeNextPath } from "@/lib/auth/safe-next";
import { signIn, signOut } from "@/lib/auth/next-auth";
import type { FormState } from "@/lib/forms/form-state";
import { BUSY_MESSAGE, retryMessage } from "@/lib/auth/sign-in";

const signInForm = z.object({
  email: z.string().trim().min(1, "Enter your email address.").max(254),
  password: z.string().min(1, "Enter your password.").max(200),
  next: z.string().optional(),
});

export async function signInAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = signInForm.safeParse({
    email: formData.get("email"),
    password: formData.get("password"),
    next: formData.get("next") ?? undefined,
  });
  if (!parsed.success) {
    const errors = parsed.error.flatten().fieldErrors;
    return { message: "Enter your email and password.", errors, values: { email: String(formData.get("email") ?? "") } };
  }
  try {
    await signIn("credentials", {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: safeNextPath(parsed.data.next),
    });
    return { ok: true };
  } catch (error) {
    if (error instanceof AuthError) {
      const code = (error as AuthError & { code?: string }).code;
      if (code === "rate_limited") {
        // Auth.js passes on only the code: ask the throttle again how long this account and
        // address must wait. Nothing to wait for there means the refusal was the process-wide
        // cap on password checks, which frees within seconds.
        const wait = await secondsUntilAllowed(parsed.data.email, clientInfoFrom(await headers()).ip);
        return { message: wait > 0 ? retryMessage(wait) : BUSY_MESSAGE, values: { email: parsed.data.email } };
      }
      return { message: "Wrong email or password.", values: { email: parsed.data.email } };
    }
    throw error; // the redirect after a successful sign-in
  }
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/signin" });
}
