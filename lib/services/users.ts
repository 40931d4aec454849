import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import { recordActivity } from "@/lib/activity/record";
import { requireRole } from "@/lib/authz";
import { db, type Tx } from "@/lib/db";
import { ServiceError, notFound } from "@/lib/errors";
import { command } from "@/lib/services/command";
import { isUniqueViolation } from "@/lib/prisma-errors";
import { createUserSchema, updateUserSchema, type MembershipRole, type Role, type UserDto } from "@/lib/schemas/user";
import { parseInput } from "@/lib/validation";
import type { Prisma } from "@/lib/generated/prisma/client";
import { USER_SORTS, orderOf, pageWindow, userListQuerySchema, type ListPage, type Order } from "@/lib/schemas/list-query";

const userSelect = {
  id: true,
  email: true,
  role: true,
  disabled: true,
  createdAt: true,
  lastSignInAt: true,
  memberships: { select: { tenantId: true, role: true, tenant: { select: { slug: true, name: true } } } },
} as const;

type UserRow = {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  memberships: { tenantId: string; role: MembershipRole }[];
};

export function toUserDto(u: UserRow): UserDto {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    disabled: u.disabled,
    memberships: u.memberships.map((m) => ({ tenantId: m.tenantId, role: m.role })),
  };
}

/** Users with the extra columns the admin table shows. */
export async function listUsers(actor: Actor) {
  requireRole(actor, "admin");
  const users = await db.user.findMany({ select: userSelect, orderBy: { email: "asc" } });
  return users.map(toUserListItem);
}

function toUserListItem(
  u: Omit<UserRow, "memberships"> & {
    lastSignInAt: Date | null;
    memberships: { tenantId: string; role: MembershipRole; tenant: { slug: string; name: string } }[];
  },
) {
  return {
    ...toUserDto(u),
    lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
    tenants: u.memberships.map((m) => ({ slug: m.tenant.slug, name: m.tenant.name, role: m.role })),
  };
}

const USER_ORDER: Record<(typeof USER_SORTS)[number], (o: Order) => Prisma.UserOrderByWithRelationInput> = {
  email: (o) => ({ email: o }),
  role: (o) => ({ role: o }),
  created: (o) => ({ createdAt: o }),
  // Never signed in sorts after everyone who has, whichever way.
  lastSignIn: (o) => ({ lastSignInAt: { sort: o, nulls: "last" } }),
};

export type UserListItem = Awaited<ReturnType<typeof listUsers>>[number];

/** One page of users, searched by email and sorted in the query (GET /users, the users page). */
export async function queryUsers(actor: Actor, input: unknown): Promise<ListPage<UserListItem>> {
  requireRole(actor, "admin");
  const query = parseInput(userListQuerySchema, input);
  const sort = query.sort ?? "email";
  const where: Prisma.UserWhereInput = query.q ? { email: { contains: query.q.toLowerCase() } } : {};
  const [total, users] = await Promise.all([
    db.user.count({ where }),
    db.user.findMany({ where, select: userSelect, orderBy: [USER_ORDER[sort](orderOf(sort, query.order)), { id: "asc" }], ...pageWindow(query) }),
  ]);
  return { items: users.map(toUserListItem), total, page: query.page, pageSize: query.pageSize };
}

export async function getUser(actor: Actor, userId: string): Promise<UserDto> {
  requireRole(actor, "admin");
  const user = await db.user.findUnique({ where: { id: userId }, select: userSelect });
  if (!user) throw notFound("User");
  return toUserDto(user);
}

async function assertTenantsExist(tx: Tx, memberships: { tenantId: string }[]) {
  if (memberships.length === 0) return;
  const ids = memberships.map((m) => m.tenantId);
  const found = await tx.tenant.findMany({ where: { id: { in: ids } }, select: { id: true } });
  const known = new Set(found.map((t) => t.id));
  const fields = memberships
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => !known.has(m.tenantId))
    .map(({ i }) => ({ path: `memberships[${i}].tenantId`, message: "no such tenant" }));
  if (fields.length) throw new ServiceError("validation_failed", "A membership names a tenant that does not exist.", fields);
}

export const createUser = command("user.create", async (cmd, input: unknown): Promise<UserDto> => {
  requireRole(cmd.actor, "admin");
  const data = parseInput(createUserSchema, input);
  cmd.about({ target: `user:${data.email}` });
  const passwordHash = await hashPassword(data.password);
  try {
    const user = await cmd.commit(
      async (tx) => {
        await assertTenantsExist(tx, data.memberships ?? []);
        return tx.user.create({
          data: {
            email: data.email,
            passwordHash,
            role: data.role,
            memberships: { create: (data.memberships ?? []).map((m) => ({ tenantId: m.tenantId, role: m.role })) },
          },
          select: userSelect,
        });
      },
      (user) => ({ details: { userId: user.id, role: user.role, memberships: data.memberships ?? [] } }),
    );
    return toUserDto(user);
  } catch (error) {
    if (isUniqueViolation(error, "email")) {
      throw new ServiceError("conflict", `A user with the email ${data.email} already exists.`, [{ path: "email", message: "already in use" }]);
    }
    throw error;
  }
});

export const updateUser = command(
  "user.update",
  async (cmd, userId: string, input: unknown): Promise<UserDto> => {
    requireRole(cmd.actor, "admin");
    const data = parseInput(updateUserSchema, input);
    // An admin who demotes or disables themselves locks the portal out of its last admin.
    if (userId === cmd.actor.userId && (data.disabled === true || (data.role && data.role !== "admin"))) {
      throw new ServiceError("conflict", "You cannot disable yourself or remove your own admin role.", [
        { path: data.disabled ? "disabled" : "role", message: "not on your own account" },
      ]);
    }
    const { after } = await cmd.commit(
      async (tx) => {
        const before = await tx.user.findUnique({ where: { id: userId }, select: userSelect });
        if (!before) throw notFound("User");
        if (data.memberships) {
          await assertTenantsExist(tx, data.memberships);
          await tx.membership.deleteMany({ where: { userId } });
          await tx.membership.createMany({ data: data.memberships.map((m) => ({ userId, tenantId: m.tenantId, role: m.role })) });
        }
        const after = await tx.user.update({ where: { id: userId }, data: { role: data.role, disabled: data.disabled }, select: userSelect });
        return { before, after };
      },
      ({ before, after }) => ({
        action: data.disabled === true ? "user.disable" : data.disabled === false && before.disabled ? "user.enable" : "user.update",
        target: `user:${after.email}`,
        details: { userId, before: toUserDto(before), after: toUserDto(after) },
      }),
    );
    return toUserDto(after);
  },
  ([userId]) => ({ target: `user:${userId}` }),
);

/** Creates the first admin when no admin exists yet (npm run up). Returns whether it did. */
export async function ensureFirstAdmin(email: string, password: string): Promise<boolean> {
  const existing = await db.user.count({ where: { role: "admin" } });
  if (existing > 0) return false;
  const data = parseInput(createUserSchema, { email, password, role: "admin" });
  await db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: data.email, passwordHash: await hashPassword(data.password), role: "admin" } });
    await recordActivity(
      { kind: "system" },
      { action: "user.create", outcome: "allowed", target: `user:${user.email}`, details: { userId: user.id, role: "admin", firstAdmin: true } },
      tx,
    );
  });
  return true;
}
