import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { recordActivity } from "@/lib/activity/record";
import { assertCanReadTenant, requireRole, tenantWhere } from "@/lib/authz";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { Tenant } from "@/lib/generated/prisma/client";
import { allowedCapabilities } from "@/lib/services/launch-scope";
import { recordRefusal } from "@/lib/services/denials";
import { tenantPolicyInputSchema, type TenantPolicyDto, type TenantPolicyInput } from "@/lib/schemas/tenant-policy";
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
export async function setTenantPolicy(actor: Actor, tenantId: string, input: unknown): Promise<TenantPolicyDto> {
  const event = { action: "policy.update", tenantId, details: { input: input as Record<string, unknown> } };
  let given: TenantPolicyInput;
  try {
    requireRole(actor, "admin");
    given = parseInput(tenantPolicyInputSchema, input);
  } catch (error) {
    throw await recordRefusal(actor, event, error);
  }
  return db.$transaction(async (tx) => {
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
    const before = toPolicyDto(current);
    const after = toPolicyDto(saved);
    await recordActivity(actor, { action: "policy.update", outcome: "allowed", tenantId, target: `tenant:${saved.slug}`, details: { before, after } }, tx);
    return after;
  });
}
