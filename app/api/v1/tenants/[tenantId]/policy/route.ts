import { json, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { setTenantPolicy } from "@/lib/services/tenant-policy";

type Params = { tenantId: string };

export const PUT = authedRoute<Params>(async (actor, req, { tenantId }) => json(await setTenantPolicy(actor, tenantId, await readJson(req))));
