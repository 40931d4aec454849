import type { Metadata } from "next";
import Link from "next/link";
import { requireSessionActor } from "@/lib/auth/session";
import { ServiceError } from "@/lib/errors";
import { canSeeTenantActivity, recentTenantActivity } from "@/lib/services/activity-feed";
import { queryContainers } from "@/lib/services/containers";
import { currentSort, listParamsOf } from "@/lib/forms/list-params";
import { BadListParams, ListSearch, NoRowsHere, Pager } from "@/components/list-controls";
import { getTenantDashboard } from "@/lib/services/dashboard";
import { getTenantUsage } from "@/lib/services/tenant-usage";
import { currentTenantId } from "@/lib/tenancy/current-tenant";
import { ActivityList } from "@/components/activity-list";
import { ContainerTable } from "@/components/container-table";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { UsageBars } from "@/components/usage-bars";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSessionActor();
  const params = listParamsOf(await searchParams);
  const tenantId = await currentTenantId(actor);
  if (!tenantId) {
    return (
      <>
        <PageHeader title="Dashboard" />
        <EmptyState title="You are not in any tenant yet">
          Ask an administrator to add you to a tenant; it will appear here as soon as they do.
        </EmptyState>
      </>
    );
  }
  const [{ tenant, uid, myRole }, usage, containers, activity] = await Promise.all([
    getTenantDashboard(actor, tenantId),
    getTenantUsage(actor, tenantId),
    queryContainers(actor, tenantId, params).catch((error: unknown) => (error instanceof ServiceError ? error : Promise.reject(error))),
    canSeeTenantActivity(actor, tenantId) ? recentTenantActivity(actor, tenantId, { limit: 8 }) : Promise.resolve(null),
  ]);
  return (
    <>
      <PageHeader
        title={tenant.name}
        description={`You are ${myRole === "owner" ? "an owner" : "a member"} · containers run as uid ${uid}`}
        action={
          !tenant.suspended && (
            <Link href="/containers/new" className="button primary">
              Launch container
            </Link>
          )
        }
      />
      {tenant.suspended && (
        <p className="banner warn" role="status">
          This tenant is suspended: its containers cannot be launched or started. Contact an administrator.
        </p>
      )}
      <section className="panel" aria-labelledby="usage-head">
        <h2 id="usage-head">Usage and quota</h2>
        <UsageBars quota={usage.quota} used={usage.used} />
        <p className="hint muted">
          Stopped containers count as containers but hold no memory or CPU; starting one needs the memory and CPU to be free.
        </p>
      </section>
      <h2>Containers</h2>
      {!(containers instanceof ServiceError) && (containers.total > 0 || params.q) && (
        <ListSearch path="/dashboard" params={params} label="Search containers" placeholder="Search by name or image" />
      )}
      {containers instanceof ServiceError ? (
        containers.code === "validation_failed" ? (
          <BadListParams path="/dashboard" message={containers.message} />
        ) : (
          <EmptyState tone="error" title="Container states cannot be shown">
            {containers.message}
          </EmptyState>
        )
      ) : containers.items.length === 0 && (params.q || containers.page > 1) ? (
        <NoRowsHere path="/dashboard" params={params} page={containers.page} noun="containers" />
      ) : (
        <>
          <ContainerTable
            tenantId={tenantId}
            containers={containers.items}
            sorting={{ path: "/dashboard", params, current: currentSort(params, "created") }}
            empty={
              <EmptyState title="No containers yet">
                {tenant.suspended ? (
                  "Launching is paused while the tenant is suspended."
                ) : (
                  <>
                    Pick an image from the catalog and <Link href="/containers/new">launch your first container</Link>; it will get a URL here.
                  </>
                )}
              </EmptyState>
            }
          />
          {containers.items.length > 0 && (
            <Pager
              path="/dashboard"
              params={params}
              page={containers.page}
              pageSize={containers.pageSize}
              total={containers.total}
              noun="containers"
            />
          )}
        </>
      )}
      {activity && (
        <>
          <h2>Recent activity</h2>
          <ActivityList events={activity} empty="Nothing has happened in this tenant yet." />
        </>
      )}
    </>
  );
}
