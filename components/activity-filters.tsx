import Link from "next/link";
import { KNOWN_ACTIONS } from "@/lib/activity/actions";
import { OUTCOMES } from "@/lib/schemas/activity";

export const FILTER_KEYS = ["q", "tenantId", "actor", "action", "outcome", "from", "to", "order"] as const;
export type FilterValues = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

/**
 * The activity filters as a plain GET form: the URL holds the filter, so a filtered view is
 * a link to share, and the browser's back button walks the investigation.
 */
export function ActivityFilters({
  values,
  tenants,
  allTenants,
}: {
  values: FilterValues;
  tenants: { id: string; name: string }[];
  allTenants: boolean;
}) {
  return (
    <form className="activity-filters panel" method="get" action="/activity" aria-label="Filter activity">
      <div className="field">
        <label htmlFor="f-q">Target contains</label>
        <input id="f-q" type="search" name="q" placeholder="e.g. container:web" maxLength={100} defaultValue={values.q ?? ""} />
      </div>
      <div className="field">
        <label htmlFor="f-tenant">Tenant</label>
        <select id="f-tenant" name="tenantId" defaultValue={values.tenantId ?? ""}>
          <option value="">{allTenants ? "All tenants" : "All my tenants"}</option>
          {tenants.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-actor">Actor</label>
        <input id="f-actor" type="text" name="actor" placeholder="email or user id" defaultValue={values.actor ?? ""} />
      </div>
      <div className="field">
        <label htmlFor="f-action">Action</label>
        <input id="f-action" type="text" name="action" list="known-actions" placeholder="e.g. container.launch" defaultValue={values.action ?? ""} />
        <datalist id="known-actions">
          {KNOWN_ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </div>
      <div className="field">
        <label htmlFor="f-outcome">Outcome</label>
        <select id="f-outcome" name="outcome" defaultValue={values.outcome ?? ""}>
          <option value="">Any outcome</option>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-from">From (UTC)</label>
        <input id="f-from" type="datetime-local" name="from" defaultValue={values.from ?? ""} />
      </div>
      <div className="field">
        <label htmlFor="f-to">To (UTC)</label>
        <input id="f-to" type="datetime-local" name="to" defaultValue={values.to ?? ""} />
      </div>
      <div className="field">
        <label htmlFor="f-order">Order</label>
        <select id="f-order" name="order" defaultValue={values.order ?? ""}>
          <option value="">Newest first</option>
          <option value="asc">Oldest first</option>
        </select>
      </div>
      <div className="filter-actions">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <Link href="/activity">Clear</Link>
      </div>
    </form>
  );
}
