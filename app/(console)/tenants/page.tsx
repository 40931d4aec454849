import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { getQuotaDefaults } from "@/lib/services/quota-defaults";
import { ServiceError } from "@/lib/errors";
import { currentSort, listParamsOf } from "@/lib/forms/list-params";
import { queryTenants } from "@/lib/services/tenant-usage";
import { BadListParams, ListSearch, NoRowsHere, Pager, SortHeader } from "@/components/list-controls";
import { formatCpu } from "@/lib/quota/format";
import { CreateTenantForm } from "@/components/create-tenant-form";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { QuotaDefaultsForm } from "@/components/quota-forms";
import { RelativeTime } from "@/components/relative-time";
import { UsageBars } from "@/components/usage-bars";

export const metadata: Metadata = { title: "Tenants" };

const PATH = "/tenants";

export default async function TenantsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSessionActor();
  if (actor.role !== "admin" && actor.role !== "operator") forbidden();
  const params = listParamsOf(await searchParams);
  // Sorted by pressure (closest to a limit first) unless the URL says otherwise, so the
  // tenants that need a look come first.
  const [tenants, defaults] = await Promise.all([
    queryTenants(actor, params).catch((error: unknown) =>
      error instanceof ServiceError && error.code === "validation_failed" ? error : Promise.reject(error),
    ),
    getQuotaDefaults(actor),
  ]);
  const header = { path: PATH, params, current: currentSort(params, "pressure") };
  const isAdmin = actor.role === "admin";
  return (
    <>
      <PageHeader title="Tenants" action={!isAdmin && <span className="badge">read-only</span>} />
      {isAdmin && (
        <section className="panel" aria-labelledby="new-tenant">
          <h2 id="new-tenant">New tenant</h2>
          <CreateTenantForm />
        </section>
      )}
      {isAdmin ? (
        <details className="panel quota-defaults">
          <summary>
            <h2 id="quota-defaults">Quota for new tenants</h2>
          </summary>
          <QuotaDefaultsForm quota={defaults} />
        </details>
      ) : (
        <p className="muted">
          New tenants start with {defaults.maxContainers} containers, {defaults.maxMemoryMb} MB, {formatCpu(defaults.maxCpuMillis)} CPU and{" "}
          {defaults.maxVolumes} volumes.
        </p>
      )}
      {!(tenants instanceof ServiceError) && (tenants.total > 0 || params.q) && (
        <ListSearch path={PATH} params={params} label="Search tenants" placeholder="Search by name or slug" />
      )}
      {tenants instanceof ServiceError ? (
        <BadListParams path={PATH} message={tenants.message} />
      ) : tenants.items.length === 0 && (params.q || tenants.page > 1) ? (
        <NoRowsHere path={PATH} params={params} page={tenants.page} noun="tenants" />
      ) : tenants.items.length === 0 ? (
        <EmptyState title="No tenants yet">
          {isAdmin ? "Create the first tenant above, then add users to it from the Users page." : "An administrator has not created any tenants yet."}
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <SortHeader {...header} column="name">
                    Name
                  </SortHeader>
                  <SortHeader {...header} column="slug">
                    Slug
                  </SortHeader>
                  <th>Status</th>
                  <SortHeader {...header} column="pressure">
                    Usage of quota
                  </SortHeader>
                  <SortHeader {...header} column="created">
                    Created
                  </SortHeader>
                </tr>
              </thead>
              <tbody>
                {tenants.items.map(({ tenant: t, quota, used, over }) => (
                  <tr key={t.id} className={over.length ? "over-quota" : undefined}>
                    <td>
                      <Link href={`/tenants/${t.id}`}>{t.name}</Link>
                    </td>
                    <td>
                      <code>{t.slug}</code>
                    </td>
                    <td>
                      <div className="badges">
                        {t.suspended ? <span className="badge danger">suspended</span> : <span className="badge ok">active</span>}
                        {over.length > 0 && (
                          <span className="badge danger" title={`over: ${over.join(", ")}`}>
                            over quota
                          </span>
                        )}
                      </div>
                    </td>
                    <td className="usage-cell">
                      <UsageBars quota={quota} used={used} compact />
                    </td>
                    <td>
                      <RelativeTime iso={t.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager path={PATH} params={params} page={tenants.page} pageSize={tenants.pageSize} total={tenants.total} noun="tenants" />
        </>
      )}
    </>
  );
}
