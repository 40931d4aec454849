import Link from "next/link";
import type { ReactNode } from "react";
import { LIST_KEYS, listHref, sortHref, type ListParams } from "@/lib/forms/list-params";
import type { Order } from "@/lib/schemas/list-query";

/*
 * Search, sort and paging as plain links and a GET form: the URL holds the list's state, so a
 * sorted, searched page is a link to share and the back button walks it. The server does the
 * work (lib/schemas/list-query.ts); nothing here needs JavaScript.
 */

/** A search box for one list; the sort and page size in the URL are kept, the page starts again at 1. */
export function ListSearch({ path, params, label, placeholder }: { path: string; params: ListParams; label: string; placeholder: string }) {
  return (
    <form className="list-search" method="get" action={path} role="search" aria-label={label}>
      <label htmlFor="list-q" className="visually-hidden">
        {label}
      </label>
      <input id="list-q" type="search" name="q" defaultValue={params.q ?? ""} placeholder={placeholder} maxLength={100} />
      {LIST_KEYS.filter((k) => k !== "q" && k !== "page" && params[k]).map((k) => (
        <input key={k} type="hidden" name={k} value={params[k]} />
      ))}
      <button type="submit">Search</button>
      {params.q && <Link href={listHref(path, params, { q: undefined, page: undefined })}>Clear</Link>}
    </form>
  );
}

/** A column header that sorts the list by it; `aria-sort` says how the list is sorted now. */
export function SortHeader({
  path,
  params,
  column,
  current,
  className,
  children,
}: {
  path: string;
  params: ListParams;
  column: string;
  current: { sort: string; order: Order };
  className?: string;
  children: ReactNode;
}) {
  const active = current.sort === column;
  return (
    <th className={className} aria-sort={active ? (current.order === "asc" ? "ascending" : "descending") : undefined}>
      <Link href={sortHref(path, params, column, current)} className="sort-link">
        {children}
        <span aria-hidden="true" className="sort-mark">
          {active ? (current.order === "asc" ? " ▲" : " ▼") : ""}
        </span>
      </Link>
    </th>
  );
}

/** "21–40 of 57 containers" with links to the pages either side. */
export function Pager({
  path,
  params,
  page,
  pageSize,
  total,
  noun,
}: {
  path: string;
  params: ListParams;
  page: number;
  pageSize: number;
  total: number;
  noun: string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (total === 0 || (pages === 1 && page === 1)) return null;
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const at = (n: number) => listHref(path, params, { page: n === 1 ? undefined : String(n) });
  return (
    <nav className="pager" aria-label={`Pages of ${noun}`}>
      {page > 1 ? (
        <Link href={at(Math.min(page - 1, pages))} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span />
      )}
      <span className="muted tabular">
        {first <= total ? `${first}–${last} of ${total} ${noun}` : `${total} ${noun}`} · page {page} of {pages}
      </span>
      {page < pages ? (
        <Link href={at(page + 1)} rel="next">
          Next →
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}

/** What a list shows when a search or page has no rows, though the list itself has some. */
export function NoRowsHere({ path, params, page, noun }: { path: string; params: ListParams; page: number; noun: string }) {
  return (
    <div className="empty">
      {params.q ? (
        <>
          <strong>
            No {noun} match “{params.q}”
          </strong>
          <Link href={listHref(path, params, { q: undefined, page: undefined })}>Clear the search</Link>
        </>
      ) : (
        <>
          <strong>
            There is no page {page} of {noun}
          </strong>
          <Link href={listHref(path, params, { page: undefined })}>Go to the first page</Link>
        </>
      )}
    </div>
  );
}

/** A list whose URL parameters were refused (a hand-edited link): what was wrong, and the way back. */
export function BadListParams({ path, message }: { path: string; message: string }) {
  return (
    <div className="empty" role="alert">
      <strong>This list&apos;s address is not valid</strong>
      <span>{message}</span>
      <Link href={path}>Show the list from the start</Link>
    </div>
  );
}
