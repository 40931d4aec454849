"use client";

import Link from "next/link";
import { formatCpu } from "@/lib/quota/format";
import type { ContainerDto } from "@/lib/schemas/container";
import { ContainerStatus } from "@/components/container-status";
import { PortLinks } from "@/components/port-links";
import { RelativeTime } from "@/components/relative-time";

/** What a row shows: plain data, the one prop of the table's one client component. */
export type ContainerRowData = Pick<
  ContainerDto,
  "id" | "name" | "image" | "status" | "exitCode" | "oomKilled" | "health" | "memoryMb" | "cpuMillis" | "createdAt" | "createdBy"
> & { ports: Pick<ContainerDto["ports"][number], "container" | "protocol" | "url">[] };

/**
 * The container table's rows, rendered in the browser's bundle from plain data: the link,
 * the live status (from the page's stream, components/live-containers.tsx) and the relative
 * time are this one client component's children, not three client components per row each
 * serialized into the page's payload and rendered again for the HTML (docs/benchmarks.md,
 * "Dashboard, round 2, plain SQL").
 */
export function ContainerRows({ rows }: { rows: ContainerRowData[] }) {
  return (
    <tbody>
      {rows.map((c) => (
        <tr key={c.id}>
          <td>
            <Link href={`/containers/${c.id}`}>{c.name}</Link>
          </td>
          <td className="hide-narrow">
            <code>{c.image}</code>
          </td>
          <td>
            <ContainerStatus container={c} />
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
  );
}
