import { json, queryOf, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { queryContainers } from "@/lib/services/containers";
import { launchContainer } from "@/lib/services/launch-container";

type Params = { tenantId: string };

export const GET = authedRoute<Params>(async (actor, req, { tenantId }) => json(await queryContainers(actor, tenantId, queryOf(req))));
export const POST = authedRoute<Params>(async (actor, req, { tenantId }) => json(await launchContainer(actor, tenantId, await readJson(req)), 201));
