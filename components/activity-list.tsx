import type { FeedEvent } from "@/lib/services/activity-feed";
import { EmptyState } from "@/components/empty-state";
import { ActivityRows } from "@/components/activity-rows";

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
        <ActivityRows events={events} />
      </table>
    </div>
  );
}
