import { json, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { getTenant, updateTenant } from "@/lib/services/tenants";

type Params = { tenantId: string };

export const GET = authedRoute<Params>(async (actor, _req, { tenantId }) => json(await getTenant(actor, tenantId)));
export const PATCH = authedRoute<Params>(async (actor, req, { tenantId }) => json(await updateTenant(actor, tenantId, await readJson(req))));
