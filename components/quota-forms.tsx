"use client";

import { useActionState } from "react";
import { setPolicyAction, setQuotaAction, setQuotaDefaultsAction } from "@/lib/actions/quotas";
import { emptyFormState, type FormState } from "@/lib/forms/form-state";
import type { Quota } from "@/lib/quota/quota";
import type { TenantPolicyDto } from "@/lib/schemas/tenant-policy";
import { Field } from "@/components/field";
import { FormMessage } from "@/components/form-bits";

const FIELDS: { name: keyof Quota; label: string; hint: string }[] = [
  { name: "maxContainers", label: "Containers", hint: "every container counts, running or stopped" },
  { name: "maxMemoryMb", label: "Total memory (MB)", hint: "of running containers" },
  { name: "maxCpuMillis", label: "Total CPU (millicores)", hint: "1000 = one CPU, running containers" },
  { name: "maxVolumes", label: "Volumes", hint: "" },
  { name: "maxContainerMemoryMb", label: "Memory per container (MB)", hint: "16 or more" },
  { name: "maxContainerCpuMillis", label: "CPU per container (millicores)", hint: "50 or more" },
];

/** The six limits; ids are prefixed so the tenant page and the defaults form never share one. */
function QuotaFields({ prefix, quota, state }: { prefix: string; quota: Quota; state: FormState }) {
  return (
    <div className="quota-fields">
      {FIELDS.map((f) => {
        return (
          <Field key={f.name} id={`${prefix}-${f.name}`} label={f.label} hint={f.hint} errors={state.errors?.[f.name]}>
            {(control) => (
              <input
                {...control}
                name={f.name}
                type="number"
                inputMode="numeric"
                min={0}
                step={1}
                defaultValue={state.values?.[f.name] ?? quota[f.name]}
              />
            )}
          </Field>
        );
      })}
    </div>
  );
}

export function QuotaForm({ tenantId, quota }: { tenantId: string; quota: Quota }) {
  const [state, action, pending] = useActionState(setQuotaAction.bind(null, tenantId), emptyFormState);
  return (
    <form action={action} noValidate aria-label="Tenant quota" className="quota-form">
      <QuotaFields prefix="quota" quota={quota} state={state} />
      <p className="hint muted">
        Lowering a limit below current usage stops nothing: the tenant shows as over quota and new launches are refused until usage drops.
      </p>
      <FormMessage state={state} />
      <div>
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Saving…" : "Save quota"}
        </button>
      </div>
    </form>
  );
}

export function QuotaDefaultsForm({ quota }: { quota: Quota }) {
  const [state, action, pending] = useActionState(setQuotaDefaultsAction, emptyFormState);
  return (
    <form action={action} noValidate aria-label="Quota for new tenants" className="quota-form">
      <QuotaFields prefix="defaults" quota={quota} state={state} />
      <FormMessage state={state} />
      <div>
        <button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save defaults"}
        </button>
      </div>
    </form>
  );
}

export function PolicyForm({ tenantId, policy }: { tenantId: string; policy: TenantPolicyDto }) {
  const [state, action, pending] = useActionState(setPolicyAction.bind(null, tenantId), emptyFormState);
  return (
    <form action={action} noValidate aria-label="Tenant policy" className="policy-form">
      <label className="checkbox">
        <input type="checkbox" name="allowNetBindService" defaultChecked={policy.allowedCapabilities.includes("NET_BIND_SERVICE")} />
        Allow NET_BIND_SERVICE (bind ports below 1024)
      </label>
      <label className="checkbox">
        <input type="checkbox" name="allowWritableRootfs" defaultChecked={policy.allowWritableRootfs} />
        Allow a writable root filesystem
      </label>
      <label className="checkbox">
        <input type="checkbox" name="allowOutbound" defaultChecked={policy.allowOutbound} />
        Allow outbound network traffic
      </label>
      <p className="hint muted">
        Applies to launches from now on; running containers keep what they were created with. A change of outbound access needs a new tenant network,
        so it takes effect once the tenant&apos;s existing containers are removed (launches are refused until then).
      </p>
      <FormMessage state={state} />
      <div>
        <button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save policy"}
        </button>
      </div>
    </form>
  );
}
