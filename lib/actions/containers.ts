"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { parseInput } from "@/lib/validation";
import { redirect } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { formStateFromError } from "@/lib/forms/form-errors";
import type { FormState } from "@/lib/forms/form-state";
import { changeContainerState, removeContainer } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";
import { updateContainer } from "@/lib/services/update-container";

/**
 * The launch form sends the LaunchRequest as JSON, the same shape the API takes (volumes to
 * create for the launch are marked `create`; the service makes them and removes them again
 * if the launch fails).
 */
export async function launchAction(tenantId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  let containerId: string;
  try {
    containerId = (await launchContainer(actor, tenantId, parseJsonField(formData.get("request")))).id;
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath("/dashboard");
  redirect(`/containers/${containerId}`);
}

/**
 * The edit form sends the same request without `name`; env rows left blank are sent as
 * `null`, which keeps the value the container has (the service carries it from the engine).
 */
export async function updateContainerAction(containerId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    await updateContainer(actor, containerId, parseJsonField(formData.get("request")));
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath(`/containers/${containerId}`);
  revalidatePath("/dashboard");
  redirect(`/containers/${containerId}`);
}

/** A form field holding JSON; a field that does not parse is passed on as it is, for the service to name. */
function parseJsonField(value: FormDataEntryValue | null): unknown {
  try {
    return JSON.parse(String(value ?? "null"));
  } catch {
    return value;
  }
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
