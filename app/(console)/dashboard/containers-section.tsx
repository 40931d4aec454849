import Link from "next/link";
import type { Actor } from "@/lib/auth/actor";
import { ServiceError } from "@/lib/errors";
import { currentSort, type ListParams } from "@/lib/forms/list-params";
import { queryContainers } from "@/lib/services/containers";
import { BadListParams, ListSearch, NoRowsHere, Pager } from "@/components/list-controls";
import { ContainerTable } from "@/components/container-table";
import { EmptyState } from "@/components/empty-state";

/**
 * The dashboard's container list: its own query and render, behind a Suspense boundary on
 * the page, so the header and the usage bars are painted before the table is ready.
 */
export async function ContainersSection({
  actor,
  tenantId,
  suspended,
  params,
}: {
  actor: Actor;
  tenantId: string;
  suspended: boolean;
  params: ListParams;
}) {
  const containers = await queryContainers(actor, tenantId, params).catch((error: unknown) =>
    error instanceof ServiceError ? error : Promise.reject(error),
  );
  if (containers instanceof ServiceError) {
    return containers.code === "validation_failed" ? (
      <BadListParams path="/dashboard" message={containers.message} />
    ) : (
      <EmptyState tone="error" title="Container states cannot be shown">
        {containers.message}
      </EmptyState>
    );
  }
  const search = (containers.total > 0 || params.q) && (
    <ListSearch path="/dashboard" params={params} label="Search containers" placeholder="Search by name or image" />
  );
  if (containers.items.length === 0 && (params.q || containers.page > 1)) {
    return (
      <>
        {search}
        <NoRowsHere path="/dashboard" params={params} page={containers.page} noun="containers" />
      </>
    );
  }
  return (
    <>
      {search}
      <ContainerTable
        tenantId={tenantId}
        containers={containers.items}
        sorting={{ path: "/dashboard", params, current: currentSort(params, "created") }}
        empty={
          <EmptyState title="No containers yet">
            {suspended ? (
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
        <Pager path="/dashboard" params={params} page={containers.page} pageSize={containers.pageSize} total={containers.total} noun="containers" />
      )}
    </>
  );
}
