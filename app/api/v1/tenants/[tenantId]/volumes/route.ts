import { json, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { createVolume, listVolumes } from "@/lib/services/volumes";

type Params = { tenantId: string };

export const GET = authedRoute<Params>(async (actor, _req, { tenantId }) => json({ items: await listVolumes(actor, tenantId) }));
export const POST = authedRoute<Params>(async (actor, req, { tenantId }) => json(await createVolume(actor, tenantId, await readJson(req)), 201));
