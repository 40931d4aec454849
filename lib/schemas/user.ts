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

export type CreateUserInput = z.infer<typeof createUserSchema>;
export type UpdateUserInput = z.infer<typeof updateUserSchema>;
export type UserDto = z.infer<typeof userSchema>;
