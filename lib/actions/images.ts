"use server";

import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { formStateFromError } from "@/lib/forms/form-errors";
import type { FormState } from "@/lib/forms/form-state";
import { pullCatalogImage, removeCatalogImage } from "@/lib/services/images";

export async function removeCatalogImageAction(imageId: string): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    await removeCatalogImage(actor, imageId);
    revalidatePath("/images");
    return { ok: true };
  } catch (error) {
    return formStateFromError(error);
  }
}

export async function pullCatalogImageAction(imageId: string): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    await pullCatalogImage(actor, imageId);
    revalidatePath("/images");
    return { ok: true };
  } catch (error) {
    return formStateFromError(error);
  }
}
