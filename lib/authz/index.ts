import type { Actor } from "@/lib/auth/actor";
import { forbidden, notFound } from "@/lib/errors";
import type { MembershipRole, Role } from "@/lib/schemas/user";

/**
 * The one place that answers "may this actor do this to this tenant". Pages check only
 * for navigation; services call these before touching data, and build their queries with
 * `tenantWhere` so the scope is in the query itself.
 */

export function requireRole(actor: Actor, ...allowed: Role[]): void {
  if (!allowed.includes(actor.role)) throw forbidden();
}

/** Admins and operators read every tenant; members only theirs. */
export function readsAllTenants(actor: Actor): boolean {
  return actor.role === "admin" || actor.role === "operator";
}

/** Prisma `where` for the tenants this actor may see. Never empty for a member. */
export function tenantWhere(actor: Actor): { memberships?: { some: { userId: string } } } {
  if (readsAllTenants(actor)) return {};
  return { memberships: { some: { userId: actor.userId } } };
}

export function membershipRole(actor: Actor, tenantId: string): MembershipRole | null {
  return actor.memberships.find((m) => m.tenantId === tenantId)?.role ?? null;
}

/** Throws `not_found` (never revealing existence) when the actor cannot see the tenant. */
export function assertCanReadTenant(actor: Actor, tenantId: string): void {
  if (readsAllTenants(actor)) return;
  if (actor.role === "member" && membershipRole(actor, tenantId)) return;
  throw notFound("Tenant");
}

/**
 * Acting inside a tenant (launching, stopping) is for its members. Admins and operators who
 * are not members can see the tenant but get `forbidden`; others get `not_found`.
 */
export function assertCanActInTenant(actor: Actor, tenantId: string, need: MembershipRole = "member"): void {
  // Operators change nothing (api-v1.md), even where an admin also made them members.
  if (actor.role === "operator") throw forbidden("Operators can read tenants but not change anything in them.");
  const role = membershipRole(actor, tenantId);
  if (role && (need === "member" || role === "owner")) return;
  if (role || readsAllTenants(actor)) throw forbidden("Only this tenant's " + (need === "owner" ? "owners" : "members") + " may do this.");
  throw notFound("Tenant");
}
