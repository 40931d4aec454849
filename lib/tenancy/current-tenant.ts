import "server-only";
import { cookies } from "next/headers";
import type { Actor } from "@/lib/auth/actor";

export const CURRENT_TENANT_COOKIE = "berth-tenant";

/**
 * The tenant a member is working in: the one chosen in the switcher (a cookie), if the
 * member still belongs to it, else their first membership. The cookie is only a
 * preference; services check membership on every call.
 */
export async function currentTenantId(actor: Actor): Promise<string | null> {
  const chosen = (await cookies()).get(CURRENT_TENANT_COOKIE)?.value;
  if (chosen && actor.memberships.some((m) => m.tenantId === chosen)) return chosen;
  return actor.memberships[0]?.tenantId ?? null;
}
