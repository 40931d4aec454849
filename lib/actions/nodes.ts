"use server";

import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { formStateFromError } from "@/lib/forms/form-errors";
import type { FormState } from "@/lib/forms/form-state";
import { activateNode, drainNode } from "@/lib/services/nodes";

/** The Nodes page's Drain and Activate buttons (admins). */
export async function setNodeAvailabilityAction(nodeId: string, availability: "drain" | "active"): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    if (availability === "drain") await drainNode(actor, nodeId);
    else await activateNode(actor, nodeId);
    revalidatePath("/nodes");
    return { ok: true };
  } catch (error) {
    return formStateFromError(error);
  }
}
