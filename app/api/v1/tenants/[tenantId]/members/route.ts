import { json, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { addTenantMember, listTenantMembers } from "@/lib/services/tenant-members";

type Params = { tenantId: string };

export const GET = authedRoute<Params>(async (actor, _req, { tenantId }) => json({ items: await listTenantMembers(actor, tenantId) }));
export const POST = authedRoute<Params>(async (actor, req, { tenantId }) => json(await addTenantMember(actor, tenantId, await readJson(req)), 201));
