"use client";

import { useTransition } from "react";
import { switchTenantAction } from "@/lib/actions/tenant-switch";
import type { TenantDto } from "@/lib/schemas/tenant";

export function TenantSwitcher({ tenants, current }: { tenants: TenantDto[]; current: string }) {
  const [pending, startTransition] = useTransition();
  return (
    <label className="checkbox">
      <span>Tenant</span>
      <select
        aria-label="Current tenant"
        defaultValue={current}
        disabled={pending}
        onChange={(e) => {
          const tenantId = e.target.value;
          startTransition(() => switchTenantAction(tenantId));
        }}
      >
        {tenants.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
    </label>
  );
}
