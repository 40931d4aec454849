import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { requireRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { ServiceError, notFound } from "@/lib/errors";
import { command } from "@/lib/services/command";
import { addMemberSchema, type MembershipRole, type Role, type TenantMemberDto } from "@/lib/schemas/user";
import { parseInput } from "@/lib/validation";

/*
 * Members are added and removed by admins only: api-v1.md gives memberships to admins
 * ("manages tenants, users, memberships") and owners only the tenant's volumes and
 * activity, and ui.md puts the member list on the admin's tenant page (operators read it).
 * A removal takes effect on the member's next request and within 30 s on an open console
 * (the actor is re-read, lib/auth/actor-now.ts).
 */

type MemberRow = { role: MembershipRole; createdAt: Date; user: { id: string; email: string; role: Role; disabled: boolean } };

function toMemberDto(m: MemberRow): TenantMemberDto {
  return {
    userId: m.user.id,
    email: m.user.email,
    role: m.role,
    userRole: m.user.role,
    disabled: m.user.disabled,
    addedAt: m.createdAt.toISOString(),
  };
}

const memberSelect = { role: true, createdAt: true, user: { select: { id: true, email: true, role: true, disabled: true } } } as const;

/** GET /tenants/{tenantId}/members (admins and operators). */
export async function listTenantMembers(actor: Actor, tenantId: string): Promise<TenantMemberDto[]> {
  requireRole(actor, "admin", "operator");
  const tenant = await db.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
  if (!tenant) throw notFound("Tenant");
  const rows = await db.membership.findMany({ where: { tenantId }, select: memberSelect, orderBy: { createdAt: "asc" } });
  return rows.map(toMemberDto);
}

export const addTenantMember = command(
  "tenant.member.add",
  async (cmd, tenantId: string, input: unknown): Promise<TenantMemberDto> => {
    requireRole(cmd.actor, "admin");
    const data = parseInput(addMemberSchema, input);
    cmd.about({ target: data.email ? `user:${data.email}` : `user:${data.userId}` });
    const row = await cmd.commit(
      async (tx) => {
        const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
        if (!tenant) throw notFound("Tenant");
        const field = data.userId ? "userId" : "email";
        const user = await tx.user.findUnique({
          where: data.userId ? { id: data.userId } : { email: data.email },
          select: { id: true, email: true },
        });
        if (!user)
          throw new ServiceError("validation_failed", "No user has that " + (data.userId ? "id." : "email."), [
            { path: field, message: "no such user" },
          ]);
        const existing = await tx.membership.findUnique({ where: { userId_tenantId: { userId: user.id, tenantId } }, select: { role: true } });
        if (existing) {
          throw new ServiceError("conflict", `${user.email} is already a ${existing.role} of this tenant.`, [
            { path: field, message: "already a member" },
          ]);
        }
        return tx.membership.create({ data: { userId: user.id, tenantId, role: data.role }, select: memberSelect });
      },
      (m) => ({ target: `user:${m.user.email}`, details: { userId: m.user.id, role: m.role } }),
    );
    return toMemberDto(row);
  },
  ([tenantId]) => ({ tenantId }),
);

export const removeTenantMember = command(
  "tenant.member.remove",
  async (cmd, tenantId: string, userId: string): Promise<void> => {
    requireRole(cmd.actor, "admin");
    await cmd.commit(
      async (tx) => {
        const member = await tx.membership.findUnique({ where: { userId_tenantId: { userId, tenantId } }, select: memberSelect });
        if (!member) throw notFound("Member");
        await tx.membership.delete({ where: { userId_tenantId: { userId, tenantId } } });
        return member;
      },
      (m) => ({ target: `user:${m.user.email}`, details: { userId, role: m.role } }),
    );
  },
  ([tenantId, userId]) => ({ tenantId, target: `user:${userId}` }),
);
