import type { Actor } from "@/lib/auth/actor";
import { getTenantPolicy } from "@/lib/services/tenant-policy";
import { getTenantUsage } from "@/lib/services/tenant-usage";
import { formatCpu } from "@/lib/quota/format";
import { overLimits } from "@/lib/quota/pressure";
import { PolicyForm, QuotaForm } from "@/components/quota-forms";
import { UsageBars } from "@/components/usage-bars";

/** The tenant page's quota and policy: forms for admins, the same values read-only for operators. */
export async function TenantQuotaSection({ actor, tenantId }: { actor: Actor; tenantId: string }) {
  const [{ quota, used }, policy] = await Promise.all([getTenantUsage(actor, tenantId), getTenantPolicy(actor, tenantId)]);
  const isAdmin = actor.role === "admin";
  const over = overLimits(quota, used);
  return (
    <>
      <section className="panel" aria-labelledby="quota-head">
        <h2 id="quota-head">
          Quota {over.length > 0 && <span className="badge danger">over quota: {over.map((s) => s.label.toLowerCase()).join(", ")}</span>}
        </h2>
        <UsageBars quota={quota} used={used} />
        {isAdmin ? (
          <QuotaForm tenantId={tenantId} quota={quota} />
        ) : (
          <p className="muted">
            Per container: at most {quota.maxContainerMemoryMb} MB and {formatCpu(quota.maxContainerCpuMillis)} CPU.
          </p>
        )}
      </section>
      <section className="panel" aria-labelledby="policy-head">
        <h2 id="policy-head">Launch policy</h2>
        {isAdmin ? (
          <PolicyForm tenantId={tenantId} policy={policy} />
        ) : (
          <dl className="facts">
            <dt>NET_BIND_SERVICE</dt>
            <dd>{policy.allowedCapabilities.length ? "allowed" : "not allowed"}</dd>
            <dt>Writable root filesystem</dt>
            <dd>{policy.allowWritableRootfs ? "allowed" : "not allowed"}</dd>
            <dt>Outbound network</dt>
            <dd>{policy.allowOutbound ? "allowed" : "not allowed"}</dd>
          </dl>
        )}
      </section>
    </>
  );
}
