"use server";

import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { formStateFromError } from "@/lib/forms/form-errors";
import type { FormState } from "@/lib/forms/form-state";
import { archiveActivity } from "@/lib/services/activity-archive";

export async function archiveActivityAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  const before = String(formData.get("before") ?? "");
  try {
    const result = await archiveActivity(actor, { before });
    revalidatePath("/activity");
    return {
      ok: true,
      message: `Archived ${result.events.toLocaleString("en")} events (up to #${result.throughId}) into ${result.file}.`,
      values: { before },
    };
  } catch (error) {
    return { ...formStateFromError(error), values: { before } };
  }
}
