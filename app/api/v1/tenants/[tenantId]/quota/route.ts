import { json, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { setTenantQuota } from "@/lib/services/tenant-quota";

type Params = { tenantId: string };

export const PUT = authedRoute<Params>(async (actor, req, { tenantId }) => json(await setTenantQuota(actor, tenantId, await readJson(req))));
