import type { ReactNode } from "react";
import type { ListParams } from "@/lib/forms/list-params";
import type { Order } from "@/lib/schemas/list-query";
import { SortHeader } from "@/components/list-controls";
import { containerStateOf, type ContainerDto } from "@/lib/schemas/container";
import { ContainerRows, type ContainerRowData } from "@/components/container-rows";
import { LiveContainers } from "@/components/live-containers";

/**
 * A tenant's containers. On a narrow screen the name, status and URLs stay; image, limits and
 * creation are on each container's page. The statuses follow the tenant's live stream (one
 * for the whole table, not one per row); the times keep themselves current. The rows are one
 * client component (components/container-rows.tsx) given plain data.
 */
export function ContainerTable({
  tenantId,
  containers,
  empty,
  sorting,
}: {
  tenantId: string;
  containers: ContainerDto[];
  /** Shown instead of the table when there are no rows (the stream still runs). */
  empty: ReactNode;
  /** With it, the headers sort the list (by links: lib/services/containers.ts queryContainers sorts). */
  sorting?: { path: string; params: ListParams; current: { sort: string; order: Order } };
}) {
  const th = (column: string, label: ReactNode, className?: string) =>
    sorting ? (
      <SortHeader {...sorting} column={column} className={className}>
        {label}
      </SortHeader>
    ) : (
      <th className={className}>{label}</th>
    );
  // With no containers yet the stream still runs: one launched elsewhere appears without a reload.
  const table =
    containers.length === 0 ? (
      empty
    ) : (
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              {th("name", "Name")}
              {th("image", "Image", "hide-narrow")}
              {th("status", "Status")}
              <th>URLs</th>
              {th("memory", "Memory", "num hide-narrow")}
              {th("cpu", "CPU", "num hide-narrow")}
              {th("created", "Created", "hide-narrow")}
            </tr>
          </thead>
          <ContainerRows rows={containers.map(containerRowOf)} />
        </table>
      </div>
    );
  return (
    <LiveContainers tenantId={tenantId} initial={containers.map(containerStateOf)}>
      {table}
    </LiveContainers>
  );
}

/** Of a container, what its row shows (no tenant id, host addresses or node in the page's payload). */
function containerRowOf(c: ContainerDto): ContainerRowData {
  return {
    id: c.id,
    name: c.name,
    image: c.image,
    status: c.status,
    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
    ...(c.oomKilled ? { oomKilled: true } : {}),
    ...(c.health ? { health: c.health } : {}),
    ports: c.ports.map((p) => ({ container: p.container, protocol: p.protocol, url: p.url })),
    memoryMb: c.memoryMb,
    cpuMillis: c.cpuMillis,
    createdAt: c.createdAt,
    createdBy: c.createdBy,
  };
}
