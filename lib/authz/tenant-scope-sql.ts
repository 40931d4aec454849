import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { Prisma } from "@/lib/generated/prisma/client";
import { readsAllTenants } from "@/lib/authz";

/**
 * `tenantWhere` for plain SQL: the condition that the tenant in `tenantIdColumn` is one the
 * actor may see, to put in the query's own WHERE (bound values only). Admins and operators
 * read every tenant; a member only those they belong to, checked against Membership in the
 * same statement, so a bug in a check before the query cannot hand out another tenant's rows.
 */
export function tenantScopeSql(actor: Actor, tenantIdColumn: Prisma.Sql): Prisma.Sql {
  if (readsAllTenants(actor)) return Prisma.sql`1 = 1`;
  return Prisma.sql`EXISTS (SELECT 1 FROM "Membership" m WHERE m."tenantId" = ${tenantIdColumn} AND m."userId" = ${actor.userId})`;
}
