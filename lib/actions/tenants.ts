"use server";

import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { formStateFromError, submittedValues } from "@/lib/forms/form-errors";
import type { FormState } from "@/lib/forms/form-state";
import { addTenantMember, removeTenantMember } from "@/lib/services/tenant-members";
import { createTenant, updateTenant } from "@/lib/services/tenants";

export async function createTenantAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    const tenant = await createTenant(actor, { name: formData.get("name"), slug: formData.get("slug") });
    revalidatePath("/tenants");
    return { ok: true, message: `Tenant “${tenant.name}” created.` };
  } catch (error) {
    return { ...formStateFromError(error), values: submittedValues(formData, ["name", "slug"]) };
  }
}

export async function renameTenantAction(tenantId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    const tenant = await updateTenant(actor, tenantId, { name: formData.get("name") });
    revalidatePath(`/tenants/${tenantId}`);
    return { ok: true, message: `Renamed to “${tenant.name}”.` };
  } catch (error) {
    return { ...formStateFromError(error), values: submittedValues(formData, ["name"]) };
  }
}

export async function setTenantSuspendedAction(tenantId: string, suspended: boolean): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    await updateTenant(actor, tenantId, { suspended });
    revalidatePath(`/tenants/${tenantId}`);
    revalidatePath("/tenants");
    return { ok: true, message: suspended ? "Tenant suspended." : "Tenant resumed." };
  } catch (error) {
    return formStateFromError(error);
  }
}

export async function addMemberAction(tenantId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    const member = await addTenantMember(actor, tenantId, { email: formData.get("email"), role: formData.get("role") });
    revalidatePath(`/tenants/${tenantId}`);
    return { ok: true, message: `${member.email} added as ${member.role}.` };
  } catch (error) {
    return { ...formStateFromError(error), values: submittedValues(formData, ["email", "role"]) };
  }
}

export async function removeMemberAction(tenantId: string, userId: string): Promise<FormState> {
  const actor = await requireSessionActor();
  try {
    await removeTenantMember(actor, tenantId, userId);
    revalidatePath(`/tenants/${tenantId}`);
    return { ok: true, message: "Member removed." };
  } catch (error) {
    return formStateFromError(error);
  }
}
