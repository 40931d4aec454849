import { z } from "zod";

export const tenantSlugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,30}$/, "use 2–31 lowercase letters, digits or dashes, starting with a letter or digit");

const tenantName = z.string().trim().min(1, "enter a name").max(80, "at most 80 characters");

export const createTenantSchema = z.object({ name: tenantName, slug: tenantSlugSchema }).strict().meta({ id: "CreateTenant" });

export const updateTenantSchema = z.object({ name: tenantName.optional(), suspended: z.boolean().optional() }).strict().meta({ id: "UpdateTenant" });

export const tenantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    suspended: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Tenant" });

export type CreateTenantInput = z.infer<typeof createTenantSchema>;
export type UpdateTenantInput = z.infer<typeof updateTenantSchema>;
export type TenantDto = z.infer<typeof tenantSchema>;
