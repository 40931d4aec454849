"use server";

import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { formStateFromError } from "@/lib/forms/form-errors";
import type { FormState } from "@/lib/forms/form-state";
import { uploadVolumeFiles } from "@/lib/services/volume-files";
import { createVolume, deleteVolume } from "@/lib/services/volumes";

export async function createVolumeAction(tenantId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    const volume = await createVolume(actor, tenantId, { name: formData.get("name") });
    revalidatePath("/volumes");
    return { ok: true, message: `Volume “${volume.name}” created.` };
  } catch (error) {
    return { ...formStateFromError(error), values: { name: String(formData.get("name") ?? "") } };
  }
}

export async function deleteVolumeAction(volumeId: string): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    await deleteVolume(actor, volumeId);
    revalidatePath("/volumes");
    return { ok: true, message: "Volume deleted." };
  } catch (error) {
    return formStateFromError(error);
  }
}

export async function uploadVolumeFilesAction(volumeId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  const folder = String(formData.get("folder") ?? "");
  try {
    const result = await uploadVolumeFiles(actor, volumeId, { folder, files: formData.getAll("files") });
    revalidatePath("/volumes");
    const names = result.items.map((f) => f.path);
    return { ok: true, message: names.length === 1 ? `Uploaded “${names[0]}”.` : `Uploaded ${names.length} files.`, values: { folder } };
  } catch (error) {
    return { ...formStateFromError(error), values: { folder } };
  }
}
