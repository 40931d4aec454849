import { z } from "zod";

/** The one capability a tenant may be allowed to keep (hardening-controls.md); all others stay dropped. */
const capability = z.enum(["NET_BIND_SERVICE"]);

/** PUT /tenants/{id}/policy. Omitting allowedCapabilities leaves none allowed. */
export const tenantPolicyInputSchema = z
  .object({
    allowedCapabilities: z.array(capability).max(1).optional(),
    allowWritableRootfs: z.boolean(),
    allowOutbound: z.boolean(),
  })
  .strict()
  .meta({ id: "TenantPolicyInput" });

export const tenantPolicySchema = z
  .object({ allowedCapabilities: z.array(capability), allowWritableRootfs: z.boolean(), allowOutbound: z.boolean() })
  .meta({ id: "TenantPolicy" });

export type TenantPolicyInput = z.infer<typeof tenantPolicyInputSchema>;
export type TenantPolicyDto = z.infer<typeof tenantPolicySchema>;
