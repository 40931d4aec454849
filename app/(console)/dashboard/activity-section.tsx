import type { Actor } from "@/lib/auth/actor";
import { recentTenantActivity } from "@/lib/services/activity-feed";
import { ActivityList } from "@/components/activity-list";

/** The dashboard's recent activity (owners, admins, operators): below the fold, so streamed after first paint. */
export async function ActivitySection({ actor, tenantId }: { actor: Actor; tenantId: string }) {
  const events = await recentTenantActivity(actor, tenantId, { limit: 8 });
  return <ActivityList events={events} empty="Nothing has happened in this tenant yet." />;
}
