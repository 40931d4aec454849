import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { assertCanReadTenant, requireRole, tenantWhere } from "@/lib/authz";
import { db } from "@/lib/db";
import { ServiceError, notFound } from "@/lib/errors";
import type { Tenant } from "@/lib/generated/prisma/client";
import { command } from "@/lib/services/command";
import { isUniqueViolation } from "@/lib/prisma-errors";
import { quotaDefaultColumns } from "@/lib/services/quota-defaults";
import { createTenantSchema, updateTenantSchema, type TenantDto } from "@/lib/schemas/tenant";
import { parseInput } from "@/lib/validation";

// Tenant uids start here (control U1 asks for ≥ 10000; 20000 leaves room below for the
// host's own service accounts) and grow by one per tenant.
export const FIRST_TENANT_UID = 20000;

export function toTenantDto(t: Tenant): TenantDto {
  return { id: t.id, name: t.name, slug: t.slug, suspended: t.suspended, createdAt: t.createdAt.toISOString() };
}

export async function listTenants(actor: Actor): Promise<TenantDto[]> {
  const tenants = await db.tenant.findMany({ where: tenantWhere(actor), orderBy: { name: "asc" } });
  return tenants.map(toTenantDto);
}

export async function getTenant(actor: Actor, tenantId: string): Promise<TenantDto> {
  assertCanReadTenant(actor, tenantId);
  const tenant = await db.tenant.findFirst({ where: { id: tenantId, ...tenantWhere(actor) } });
  if (!tenant) throw notFound("Tenant");
  return toTenantDto(tenant);
}

export const createTenant = command(
  "tenant.create",
  async (cmd, input: unknown): Promise<TenantDto> => {
    requireRole(cmd.actor, "admin");
    const data = parseInput(createTenantSchema, input);
    // Two admins creating tenants at once can pick the same next uid; the unique index
    // refuses the second, and it retries with the next one.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const tenant = await cmd.commit(
          async (tx) => {
            const top = await tx.tenant.aggregate({ _max: { uid: true } });
            const uid = Math.max(FIRST_TENANT_UID, (top._max.uid ?? FIRST_TENANT_UID - 1) + 1);
            // A new tenant starts with the quota defaults of the moment (later changes to the
            // defaults leave existing tenants alone).
            const quota = await quotaDefaultColumns(tx);
            return tx.tenant.create({ data: { name: data.name, slug: data.slug, uid, ...quota } });
          },
          (created) => ({
            tenantId: created.id,
            target: `tenant:${created.slug}`,
            details: { name: created.name, slug: created.slug, uid: created.uid },
          }),
        );
        return toTenantDto(tenant);
      } catch (error) {
        if (isUniqueViolation(error, "slug")) {
          throw new ServiceError("conflict", `The slug "${data.slug}" is taken. Choose another.`, [{ path: "slug", message: "this slug is taken" }]);
        }
        if (!isUniqueViolation(error, "uid")) throw error;
      }
    }
    throw new ServiceError("conflict", "Could not allocate a tenant uid; try again.");
  },
  ([input]) => ({ target: slugTarget(input) }),
);

export const updateTenant = command(
  "tenant.update",
  async (cmd, tenantId: string, input: unknown): Promise<TenantDto> => {
    requireRole(cmd.actor, "admin");
    const data = parseInput(updateTenantSchema, input);
    const { after } = await cmd.commit(
      async (tx) => {
        const before = await tx.tenant.findUnique({ where: { id: tenantId } });
        if (!before) throw notFound("Tenant");
        return { before, after: await tx.tenant.update({ where: { id: tenantId }, data }) };
      },
      ({ before, after }) => ({
        action: data.suspended === undefined ? "tenant.update" : data.suspended ? "tenant.suspend" : "tenant.resume",
        target: `tenant:${after.slug}`,
        details: { before: { name: before.name, suspended: before.suspended }, after: data },
      }),
    );
    return toTenantDto(after);
  },
  ([tenantId]) => ({ tenantId }),
);

/** `tenant:<slug>` from a refused request, when it names a plausible slug. */
function slugTarget(input: unknown): string | null {
  const slug = input && typeof input === "object" ? (input as { slug?: unknown }).slug : undefined;
  return typeof slug === "string" && /^[a-z0-9-]{1,40}$/.test(slug) ? `tenant:${slug}` : null;
}

/** A tenant with its members, for the tenant page (admins and operators). */
export async function getTenantWithMembers(actor: Actor, tenantId: string) {
  requireRole(actor, "admin", "operator");
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    include: { memberships: { include: { user: { select: { id: true, email: true, role: true, disabled: true } } }, orderBy: { createdAt: "asc" } } },
  });
  if (!tenant) throw notFound("Tenant");
  return {
    ...toTenantDto(tenant),
    uid: tenant.uid,
    members: tenant.memberships.map((m) => ({ ...m.user, membershipRole: m.role })),
  };
}
