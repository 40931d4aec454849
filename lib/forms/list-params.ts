import { DEFAULT_ORDER, orderOf, type Order } from "@/lib/schemas/list-query";

/** The list parameters a page reads from its URL (the same names the API's list endpoints take). */
export const LIST_KEYS = ["q", "sort", "order", "page", "pageSize"] as const;
export type ListParams = Partial<Record<(typeof LIST_KEYS)[number], string>>;

type Search = Record<string, string | string[] | undefined>;

/** The list's parameters from a page's search params: known keys only, empty ones dropped (a GET form sends them). */
export function listParamsOf(search: Search): ListParams {
  const out: ListParams = {};
  for (const key of LIST_KEYS) {
    const value = search[key];
    const text = Array.isArray(value) ? value[0] : value;
    if (text !== undefined && text.trim() !== "") out[key] = text.trim();
  }
  return out;
}

/** `path?…` for the list with some parameters changed (undefined removes one). */
export function listHref(path: string, params: ListParams, change: ListParams): string {
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...params, ...change })) if (value !== undefined && value !== "") merged[key] = value;
  const query = new URLSearchParams(merged).toString();
  return query ? `${path}?${query}` : path;
}

/**
 * Where a column header leads: sorted by it, in its natural order (newest, biggest first);
 * the column already sorted flips. A new sort starts again at page 1.
 */
export function sortHref(path: string, params: ListParams, column: string, current: { sort: string; order: Order }): string {
  const natural = DEFAULT_ORDER[column] ?? "asc";
  const order: Order = current.sort === column ? (current.order === "asc" ? "desc" : "asc") : natural;
  return listHref(path, params, { sort: column, order: order === natural ? undefined : order, page: undefined });
}

/** How the list is sorted now, for its headers: the URL's sort, or the list's default. */
export function currentSort(params: ListParams, fallback: string): { sort: string; order: Order } {
  const sort = params.sort ?? fallback;
  return { sort, order: orderOf(sort, params.order === "asc" || params.order === "desc" ? params.order : undefined) };
}
