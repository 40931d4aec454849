import Link from "next/link";
import type { ReactNode } from "react";
import type { ListParams } from "@/lib/forms/list-params";
import type { Order } from "@/lib/schemas/list-query";
import { SortHeader } from "@/components/list-controls";
import { formatCpu } from "@/lib/quota/format";
import { containerStateOf, type ContainerDto } from "@/lib/schemas/container";
import { ContainerStatus } from "@/components/container-status";
import { LiveContainers } from "@/components/live-containers";
import { RelativeTime } from "@/components/relative-time";
import { PortLinks } from "@/components/port-links";

/**
 * A tenant's containers. On a narrow screen the name, status and URLs stay; image, limits and
 * creation are on each container's page. The statuses follow the tenant's live stream (one
 * for the whole table, not one per row); the times keep themselves current.
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
          <tbody>
            {containers.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link href={`/containers/${c.id}`}>{c.name}</Link>
                </td>
                <td className="hide-narrow">
                  <code>{c.image}</code>
                </td>
                <td>
                  {/* Only the live part: a client component's props are serialized into the page. */}
                  <ContainerStatus container={containerStateOf(c)} />
                </td>
                <td>{c.ports.length === 0 ? <span className="muted">none</span> : <PortLinks ports={c.ports} />}</td>
                <td className="num hide-narrow">{c.memoryMb} MB</td>
                <td className="num hide-narrow">{formatCpu(c.cpuMillis)}</td>
                <td className="hide-narrow">
                  <RelativeTime iso={c.createdAt} />
                  {c.createdBy && <span className="muted"> by {c.createdBy}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  return (
    <LiveContainers tenantId={tenantId} initial={containers.map(containerStateOf)}>
      {table}
    </LiveContainers>
  );
}
