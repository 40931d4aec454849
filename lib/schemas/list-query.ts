import { z } from "zod";

/*
 * Search, sort and paging for the containers, tenants and users lists, the same in the URL of
 * a page and in the query of the API's list endpoint. Unknown parameters are refused like
 * unknown fields.
 *
 * Offset paging (page, pageSize), not keyset: these lists are bounded — a tenant's containers
 * by its quota, tenants and users by what admins create (hundreds, not millions) — so a deep
 * OFFSET costs nothing; they sort by columns a person picks, including computed ones (a
 * tenant's quota pressure is in no column or index, so no keyset could seek it); and page
 * numbers with a total ("page 2 of 5") are what people share. The activity log is the
 * unbounded, append-only one and keeps its keyset cursors (lib/services/activity.ts).
 *
 * Search is Prisma's `contains`, a LIKE: case-blind for ASCII on SQLite, and Prisma passes
 * `%` and `_` through as wildcards (there is no ESCAPE clause), so such a search matches more
 * rows — never rows outside the caller's scope, which is in the same `where`.
 */

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
export const ORDERS = ["asc", "desc"] as const;
export type Order = (typeof ORDERS)[number];

export function listQuerySchema<const S extends readonly [string, ...string[]]>(sorts: S) {
  return z
    .object({
      q: z
        .string()
        .trim()
        .max(100, "search for at most 100 characters")
        .optional()
        .transform((q) => q || undefined),
      sort: z.enum(sorts, { error: `sort by one of: ${sorts.join(", ")}` }).optional(),
      order: z.enum(ORDERS, { error: "order is asc or desc" }).optional(),
      page: z.coerce.number({ error: "a page number" }).int("a whole page number").min(1, "pages start at 1").max(100_000).default(1),
      pageSize: z.coerce.number({ error: "a number of rows" }).int("a whole number of rows").min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    })
    .strict();
}

export const CONTAINER_SORTS = ["created", "name", "status", "image", "memory", "cpu"] as const;
export const TENANT_SORTS = ["pressure", "name", "slug", "created"] as const;
export const USER_SORTS = ["email", "role", "created", "lastSignIn"] as const;

export const containerListQuerySchema = listQuerySchema(CONTAINER_SORTS);
export const tenantListQuerySchema = listQuerySchema(TENANT_SORTS);
export const userListQuerySchema = listQuerySchema(USER_SORTS);

/** The order a column sorts in when the URL does not say: newest, biggest and most pressed first. */
export const DEFAULT_ORDER: Record<string, Order> = {
  created: "desc",
  memory: "desc",
  cpu: "desc",
  pressure: "desc",
  lastSignIn: "desc",
};
export const orderOf = (sort: string, order: Order | undefined): Order => order ?? DEFAULT_ORDER[sort] ?? "asc";

/** The page of a list as the API returns it: the items and where they sit in the whole. */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.int(), page: z.int(), pageSize: z.int() });

export interface ListPage<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export type ListQuery<S extends string> = { q?: string; sort?: S; order?: Order; page: number; pageSize: number };

/** The Prisma skip/take of a page. */
export const pageWindow = (query: { page: number; pageSize: number }) => ({ skip: (query.page - 1) * query.pageSize, take: query.pageSize });
