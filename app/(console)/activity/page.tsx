import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { requireSessionActor } from "@/lib/auth/session";
import { readsAllTenants } from "@/lib/authz";
import { ServiceError } from "@/lib/errors";
import { canUseActivity, listActivity, ownedTenantIds } from "@/lib/services/activity";
import { listTenants } from "@/lib/services/tenants";
import { ActivityEvents } from "@/components/activity-events";
import { ArchiveActivityForm } from "@/components/archive-activity-form";
import { ActivityFilters, FILTER_KEYS, type FilterValues } from "@/components/activity-filters";
import { PageHeader } from "@/components/page-header";
import { VerifyChainButton } from "@/components/verify-chain-button";

export const metadata: Metadata = { title: "Activity" };

const PAGE_SIZE = 50;

type Search = Record<string, string | string[] | undefined>;

/** The filters from the URL: known keys only, empty fields dropped (a GET form sends them). */
function filtersOf(search: Search): FilterValues {
  const out: FilterValues = {};
  for (const key of FILTER_KEYS) {
    const value = search[key];
    const text = Array.isArray(value) ? value[0] : value;
    if (text && text.trim()) out[key] = text.trim();
  }
  return out;
}

/** The API's query for the screen's filters: one Actor field takes an email or a user id. */
function apiQueryOf({ actor, ...rest }: FilterValues): Record<string, string> {
  const query: Record<string, string> = { ...rest };
  if (actor) query[actor.includes("@") ? "actorEmail" : "actorId"] = actor;
  return query;
}

/** Operators' central screen (ui.md); admins and tenant owners (scoped to their tenants) too. */
export default async function ActivityPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requireSessionActor();
  if (!canUseActivity(actor)) forbidden();
  const search = await searchParams;
  const filters = filtersOf(search);
  const apiQuery = apiQueryOf(filters);
  const cursor = typeof search.cursor === "string" && search.cursor ? search.cursor : undefined;
  const [tenants, page] = await Promise.all([
    listTenants(actor),
    listActivity(actor, { ...apiQuery, ...(cursor ? { cursor } : {}), limit: String(PAGE_SIZE) }).catch((error: unknown) => {
      if (error instanceof ServiceError && error.code === "validation_failed") return error;
      if (error instanceof ServiceError && error.code === "not_found") notFound();
      if (error instanceof ServiceError && error.code === "forbidden") forbidden();
      throw error;
    }),
  ]);
  const owned = new Set(ownedTenantIds(actor));
  const visibleTenants = readsAllTenants(actor) ? tenants : tenants.filter((t) => owned.has(t.id));
  const tenantNames = Object.fromEntries(tenants.map((t) => [t.id, t.name]));
  const query = new URLSearchParams(apiQuery).toString();
  // The export is the filter's events in the log's order; the list's order is not a filter.
  const { order: _order, ...exportQuery } = apiQuery;
  const oldestFirst = filters.order === "asc";
  const withQuery = (extra: Record<string, string>) => `?${new URLSearchParams({ ...filters, ...extra }).toString()}`;
  const scopedTenant = filters.tenantId ? tenantNames[filters.tenantId] : undefined;
  return (
    <>
      <PageHeader
        title={`Activity${scopedTenant ? ` · ${scopedTenant}` : ""}`}
        description={`Every change and every refusal, ${filters.order === "asc" ? "oldest" : "newest"} first.${readsAllTenants(actor) ? "" : " You see the tenants you own."}`}
        action={
          <div className="actions activity-actions">
            <a className="button" href={`/api/v1/activity/export?${new URLSearchParams({ ...exportQuery, format: "csv" })}`} download>
              Export CSV
            </a>
            <a className="button" href={`/api/v1/activity/export?${new URLSearchParams({ ...exportQuery, format: "jsonl" })}`} download>
              Export JSON Lines
            </a>
            {readsAllTenants(actor) && <VerifyChainButton />}
          </div>
        }
      />
      {actor.role === "admin" && <ArchiveActivityForm />}
      <ActivityFilters values={filters} tenants={visibleTenants.map((t) => ({ id: t.id, name: t.name }))} allTenants={readsAllTenants(actor)} />
      {page instanceof ServiceError ? (
        <div className="form-message error" role="alert">
          {page.message}
        </div>
      ) : (
        <>
          <ActivityEvents
            key={`${query}|${cursor ?? ""}`}
            initial={page.items}
            tenantNames={tenantNames}
            query={query}
            liveCursor={cursor || oldestFirst ? undefined : page.newestCursor}
            filtered={query !== ""}
          />
          <nav className="pager" aria-label="Pages">
            {cursor ? <Link href={withQuery({})}>{oldestFirst ? "← Oldest" : "← Newest"}</Link> : <span />}
            {page.nextCursor ? (
              <Link href={withQuery({ cursor: page.nextCursor })} rel="next">
                {oldestFirst ? "Newer events →" : "Older events →"}
              </Link>
            ) : page.items.length > 0 ? (
              <span className="muted">End of the log</span>
            ) : null}
          </nav>
        </>
      )}
    </>
  );
}
