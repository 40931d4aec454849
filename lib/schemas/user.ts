import { z } from "zod";

export const roles = ["admin", "operator", "member"] as const;
export const membershipRoles = ["owner", "member"] as const;
export type Role = (typeof roles)[number];
export type MembershipRole = (typeof membershipRoles)[number];

export const passwordSchema = z.string().min(12, "use at least 12 characters").max(200, "at most 200 characters");

export const membershipSchema = z
  .object({ tenantId: z.string().min(1).max(64), role: z.enum(membershipRoles) })
  .strict()
  .meta({ id: "Membership" });

const memberships = z
  .array(membershipSchema)
  .max(100)
  .refine((list) => new Set(list.map((m) => m.tenantId)).size === list.length, {
    message: "each tenant may appear once",
  });

export const createUserSchema = z
  .object({
    email: z.email("enter a valid email address").max(254).toLowerCase(),
    password: passwordSchema,
    role: z.enum(roles),
    memberships: memberships.optional(),
  })
  .strict()
  .meta({ id: "CreateUser" });

export const updateUserSchema = z
  .object({
    role: z.enum(roles).optional(),
    disabled: z.boolean().optional(),
    memberships: memberships.optional(),
  })
  .strict()
  .meta({ id: "UpdateUser" });

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(roles),
    disabled: z.boolean(),
    memberships: z.array(z.object({ tenantId: z.string(), role: z.enum(membershipRoles) })),
  })
  .meta({ id: "User" });

/** POST /account/password: the caller's own password, proven by the current one. */
export const changePasswordSchema = z
  .object({
    currentPassword: z.string({ error: "enter your current password" }).min(1, "enter your current password").max(200),
    newPassword: passwordSchema,
  })
  .strict()
  .meta({ id: "ChangePassword" });

/** POST /users/{userId}/password: an admin sets a new password for someone else. */
export const resetPasswordSchema = z.object({ password: passwordSchema }).strict().meta({ id: "ResetPassword" });

/** POST /tenants/{tenantId}/members: a user, by id or by email, and their role in the tenant. */
export const addMemberSchema = z
  .object({
    userId: z.string().min(1).max(64).optional(),
    email: z.email("enter a valid email address").max(254).toLowerCase().optional(),
    role: z.enum(membershipRoles, { error: "choose owner or member" }),
  })
  .strict()
  .refine((m) => (m.userId === undefined) !== (m.email === undefined), {
    message: "name the user by userId or by email (one of them)",
    path: ["email"],
  })
  .meta({ id: "AddMember" });

export const tenantMemberSchema = z
  .object({
    userId: z.string(),
    email: z.string(),
    role: z.enum(membershipRoles),
    userRole: z.enum(roles),
    disabled: z.boolean(),
    addedAt: z.iso.datetime(),
  })
  .meta({ id: "TenantMember" });

export type TenantMemberDto = z.infer<typeof tenantMemberSchema>;
export type CreateUserInput = z.infer<typeof createUserSchema>;
export type UpdateUserInput = z.infer<typeof updateUserSchema>;
export type UserDto = z.infer<typeof userSchema>;
