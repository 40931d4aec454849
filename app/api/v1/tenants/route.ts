import { json, queryOf, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { createTenant } from "@/lib/services/tenants";
import { queryTenants } from "@/lib/services/tenant-usage";

export const GET = authedRoute(async (actor, req) => {
  const page = await queryTenants(actor, queryOf(req));
  return json({ ...page, items: page.items.map((t) => t.tenant) });
});
export const POST = authedRoute(async (actor, req) => json(await createTenant(actor, await readJson(req)), 201));
