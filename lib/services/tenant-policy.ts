import "server-only";
import { requestSummary } from "@/lib/activity/request-summary";
import type { Actor } from "@/lib/auth/actor";
import { assertCanReadTenant, requireRole, tenantWhere } from "@/lib/authz";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { Tenant } from "@/lib/generated/prisma/client";
import { allowedCapabilities } from "@/lib/launch-scope";
import { command } from "@/lib/services/command";
import { tenantPolicyInputSchema, type TenantPolicyDto } from "@/lib/schemas/tenant-policy";
import { parseInput } from "@/lib/validation";

type PolicyColumns = Pick<Tenant, "allowNetBindService" | "allowWritableRootfs" | "allowOutbound">;

function toPolicyDto(t: PolicyColumns): TenantPolicyDto {
  return { allowedCapabilities: allowedCapabilities(t), allowWritableRootfs: t.allowWritableRootfs, allowOutbound: t.allowOutbound };
}

export async function getTenantPolicy(actor: Actor, tenantId: string): Promise<TenantPolicyDto> {
  assertCanReadTenant(actor, tenantId);
  const tenant = await db.tenant.findFirst({ where: { id: tenantId, ...tenantWhere(actor) } });
  if (!tenant) throw notFound("Tenant");
  return toPolicyDto(tenant);
}

/**
 * Sets what a tenant's launches may do beyond the defaults (admins only), recorded as
 * `policy.update` with the old and new values. It applies to launches from now on; running
 * containers keep the settings they were created with. The outbound setting is a property
 * of the tenant network, which Docker fixes when it is created (lib/docker/networks.ts).
 */
export const setTenantPolicy = command(
  "policy.update",
  async (cmd, tenantId: string, input: unknown): Promise<TenantPolicyDto> => {
    requireRole(cmd.actor, "admin");
    const given = parseInput(tenantPolicyInputSchema, input);
    const { saved } = await cmd.commit(
      async (tx) => {
        const current = await tx.tenant.findUnique({ where: { id: tenantId } });
        if (!current) throw notFound("Tenant");
        const saved = await tx.tenant.update({
          where: { id: tenantId },
          data: {
            allowNetBindService: (given.allowedCapabilities ?? []).includes("NET_BIND_SERVICE"),
            allowWritableRootfs: given.allowWritableRootfs,
            allowOutbound: given.allowOutbound,
          },
        });
        return { current, saved };
      },
      ({ current, saved }) => ({ target: `tenant:${saved.slug}`, details: { before: toPolicyDto(current), after: toPolicyDto(saved) } }),
    );
    return toPolicyDto(saved);
  },
  ([tenantId, input]) => ({ tenantId, details: { request: requestSummary(input) } }),
);
