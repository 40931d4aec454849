import { json, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { listContainers } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";

type Params = { tenantId: string };

export const GET = authedRoute<Params>(async (actor, _req, { tenantId }) => json({ items: await listContainers(actor, tenantId) }));
export const POST = authedRoute<Params>(async (actor, req, { tenantId }) => json(await launchContainer(actor, tenantId, await readJson(req)), 201));
