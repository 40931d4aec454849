"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cookieModeFrom, tenantCookie } from "@/lib/auth/cookie-names";
import { requireSessionActor } from "@/lib/auth/session";

export async function switchTenantAction(tenantId: string): Promise<void> {
  const actor = await requireSessionActor();
  if (!actor.memberships.some((m) => m.tenantId === tenantId)) return;
  const cookie = tenantCookie(cookieModeFrom(await headers()));
  (await cookies()).set(cookie.name, tenantId, cookie.options);
  redirect("/dashboard");
}
