"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { parseInput } from "@/lib/validation";
import { redirect } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { ServiceError } from "@/lib/errors";
import { formStateFromError } from "@/lib/forms/form-errors";
import type { FormState } from "@/lib/forms/form-state";
import { changeContainerState, removeContainer } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";
import { createVolume, deleteVolume } from "@/lib/services/volumes";

function parseJsonField(formData: FormData, name: string): unknown {
  try {
    return JSON.parse(String(formData.get(name) ?? "null"));
  } catch {
    throw new ServiceError("validation_failed", "The form was not sent completely; reload the page and try again.");
  }
}

/**
 * The launch form sends the LaunchRequest as JSON (the same shape the API takes) plus the
 * names of volumes to create first. Volumes made for a launch that then fails are deleted
 * again, so a failed launch leaves nothing behind.
 */
export async function launchAction(tenantId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  let containerId: string;
  const created: string[] = [];
  try {
    const request = parseJsonField(formData, "request");
    const newVolumes = parseJsonField(formData, "newVolumes");
    for (const [i, name] of (Array.isArray(newVolumes) ? newVolumes : []).entries()) {
      try {
        created.push((await createVolume(actor, tenantId, { name })).id);
      } catch (error) {
        if (error instanceof ServiceError && error.fields) {
          throw new ServiceError(error.code, error.message, error.fields.map((f) => ({ path: `newVolumes[${i}].${f.path}`, message: f.message })));
        }
        throw error;
      }
    }
    containerId = (await launchContainer(actor, tenantId, request)).id;
  } catch (error) {
    for (const id of created) await deleteVolume(actor, id).catch(() => undefined);
    return formStateFromError(error);
  }
  revalidatePath("/dashboard");
  redirect(`/containers/${containerId}`);
}

const containerChange = z.enum(["start", "stop", "restart", "remove"]);

export async function containerAction(containerId: string, requested: "start" | "stop" | "restart" | "remove"): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    // Server Action arguments come from the client as they are: check them like any input.
    const change = parseInput(containerChange, requested);
    if (change === "remove") {
      await removeContainer(actor, containerId);
    } else {
      await changeContainerState(actor, containerId, change);
    }
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath(`/containers/${containerId}`);
  revalidatePath("/dashboard");
  if (requested === "remove") redirect("/dashboard");
  return { ok: true, message: `Container ${requested === "stop" ? "stopped" : requested === "start" ? "started" : "restarted"}.` };
}
