"use server";

import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { formStateFromError } from "@/lib/forms/form-errors";
import type { FormState } from "@/lib/forms/form-state";
import { setQuotaDefaults } from "@/lib/services/quota-defaults";
import { setTenantPolicy } from "@/lib/services/tenant-policy";
import { setTenantQuota } from "@/lib/services/tenant-quota";

const QUOTA_FIELDS = ["maxContainers", "maxMemoryMb", "maxCpuMillis", "maxVolumes", "maxContainerMemoryMb", "maxContainerCpuMillis"] as const;

/**
 * The quota form's fields as the API's Quota object. An empty box stays a string, so the
 * schema names the field ("expected number") instead of Number("") quietly becoming 0.
 */
function quotaFrom(formData: FormData) {
  const values: Record<string, string> = {};
  const input: Record<string, number | string> = {};
  for (const name of QUOTA_FIELDS) {
    const raw = String(formData.get(name) ?? "").trim();
    values[name] = raw;
    input[name] = raw !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return { input, values };
}

export async function setQuotaAction(tenantId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  const { input, values } = quotaFrom(formData);
  try {
    await setTenantQuota(actor, tenantId, input);
  } catch (error) {
    return { ...formStateFromError(error), values };
  }
  revalidatePath(`/tenants/${tenantId}`);
  revalidatePath("/tenants");
  return { ok: true, message: "Quota saved.", values };
}

export async function setQuotaDefaultsAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  const { input, values } = quotaFrom(formData);
  try {
    await setQuotaDefaults(actor, input);
  } catch (error) {
    return { ...formStateFromError(error), values };
  }
  revalidatePath("/tenants");
  return { ok: true, message: "Defaults saved; tenants created from now on start with them.", values };
}

export async function setPolicyAction(tenantId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    await setTenantPolicy(actor, tenantId, {
      allowedCapabilities: formData.get("allowNetBindService") === "on" ? ["NET_BIND_SERVICE"] : [],
      allowWritableRootfs: formData.get("allowWritableRootfs") === "on",
      allowOutbound: formData.get("allowOutbound") === "on",
    });
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath(`/tenants/${tenantId}`);
  return { ok: true, message: "Policy saved; it applies to launches from now on." };
}
