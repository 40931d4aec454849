import type { FeedEvent } from "@/lib/services/activity-feed";
import { EmptyState } from "@/components/empty-state";
import { RelativeTime } from "@/components/relative-time";

export function ActivityList({ events, empty }: { events: FeedEvent[]; empty: string }) {
  if (events.length === 0) return <EmptyState>{empty}</EmptyState>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Action</th>
            <th>Target</th>
            <th>Outcome</th>
          </tr>
        </thead>
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
      </table>
    </div>
  );
}
