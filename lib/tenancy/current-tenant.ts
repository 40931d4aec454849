import "server-only";
import { cookies, headers } from "next/headers";
import type { Actor } from "@/lib/auth/actor";
import { cookieModeFrom, tenantCookie } from "@/lib/auth/cookie-names";

/**
 * The tenant a member is working in: the one chosen in the switcher (a cookie, named per
 * lib/auth/cookie-names.ts), if the member still belongs to it, else their first membership.
 * The cookie is only a preference; services check membership on every call.
 */
export async function currentTenantId(actor: Actor): Promise<string | null> {
  const { name } = tenantCookie(cookieModeFrom(await headers()));
  const chosen = (await cookies()).get(name)?.value;
  if (chosen && actor.memberships.some((m) => m.tenantId === chosen)) return chosen;
  return actor.memberships[0]?.tenantId ?? null;
}
