import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { requireSessionActor } from "@/lib/auth/session";
import { canSeeTenantActivity } from "@/lib/services/activity-feed";
import { listParamsOf } from "@/lib/forms/list-params";
import { getTenantDashboard } from "@/lib/services/dashboard";
import { currentTenantId } from "@/lib/tenancy/current-tenant";
import { EmptyState } from "@/components/empty-state";
import { ListLoading } from "@/components/list-loading";
import { PageHeader } from "@/components/page-header";
import { UsageBars } from "@/components/usage-bars";
import { ActivitySection } from "./activity-section";
import { ContainersSection } from "./containers-section";

export const metadata: Metadata = { title: "Dashboard" };

/**
 * The header and the usage bars come from one read of the tenant and its usage and are sent
 * first; the container table and the activity feed each stream in behind their own Suspense
 * boundary (docs/benchmarks.md, item 3). No query here grows with the tenant's history: the
 * list is one page, the feed the newest few events by index.
 */
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
  const { tenant, uid, myRole, usage } = await getTenantDashboard(actor, tenantId);
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
      <Suspense fallback={<ListLoading label="Loading containers…" />}>
        <ContainersSection actor={actor} tenantId={tenantId} suspended={tenant.suspended} params={params} />
      </Suspense>
      {canSeeTenantActivity(actor, tenantId) && (
        <>
          <h2>Recent activity</h2>
          <Suspense fallback={<ListLoading label="Loading recent activity…" />}>
            <ActivitySection actor={actor} tenantId={tenantId} />
          </Suspense>
        </>
      )}
    </>
  );
}
