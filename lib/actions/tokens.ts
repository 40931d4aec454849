"use server";

import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { formStateFromError, submittedValues } from "@/lib/forms/form-errors";
import type { FormState } from "@/lib/forms/form-state";
import { createTokenForSelf, revokeToken } from "@/lib/services/tokens";

export async function createTokenAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    const created = await createTokenForSelf(actor, {
      name: formData.get("name"),
      expiresInDays: formData.get("expiresInDays"),
    });
    revalidatePath("/settings/tokens");
    // Returned to this one render only; it is not stored anywhere in readable form.
    return { ok: true, message: `Token “${created.name}” created. Copy it now: it will not be shown again.`, secret: created.token };
  } catch (error) {
    return { ...formStateFromError(error), values: submittedValues(formData, ["name", "expiresInDays"]) };
  }
}

export async function revokeTokenAction(tokenId: string): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    await revokeToken(actor, tokenId);
    revalidatePath("/settings/tokens");
    return { ok: true, message: "Token revoked." };
  } catch (error) {
    return formStateFromError(error);
  }
}
