"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { CURRENT_TENANT_COOKIE } from "@/lib/tenancy/current-tenant";

export async function switchTenantAction(tenantId: string): Promise<void> {
  const actor = await requireSessionActor();
  if (!actor.memberships.some((m) => m.tenantId === tenantId)) return;
  (await cookies()).set(CURRENT_TENANT_COOKIE, tenantId, { httpOnly: true, sameSite: "lax", path: "/" });
  redirect("/dashboard");
}
