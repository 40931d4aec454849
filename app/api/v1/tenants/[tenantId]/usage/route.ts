import { json } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { getTenantUsage } from "@/lib/services/tenant-usage";

type Params = { tenantId: string };

export const GET = authedRoute<Params>(async (actor, _req, { tenantId }) => json(await getTenantUsage(actor, tenantId)));
