import { json, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { createTenant, listTenants } from "@/lib/services/tenants";

export const GET = authedRoute(async (actor) => json({ items: await listTenants(actor) }));
export const POST = authedRoute(async (actor, req) => json(await createTenant(actor, await readJson(req)), 201));
