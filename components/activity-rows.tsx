"use client";

import type { FeedEvent } from "@/lib/services/activity-feed";
import { RelativeTime } from "@/components/relative-time";

/**
 * A feed's rows from plain data, in one client component: the relative times are its children,
 * not a client component per row in the page's payload (as components/container-rows.tsx).
 */
export function ActivityRows({ events }: { events: FeedEvent[] }) {
  return (
    <tbody>
      {events.map((e) => (
        <tr key={e.id}>
          <td>
            <RelativeTime iso={e.at} />
          </td>
          <td>{e.actor}</td>
          <td>
            <code>{e.action}</code>
          </td>
          <td>{e.target ?? <span className="muted">—</span>}</td>
          <td>
            <span className={`badge ${e.outcome === "allowed" ? "ok" : "danger"}`}>{e.outcome}</span>
            {e.reason && (
              <div className="muted" style={{ fontSize: 12, maxWidth: 420 }}>
                {e.reason}
              </div>
            )}
          </td>
        </tr>
      ))}
    </tbody>
  );
}
