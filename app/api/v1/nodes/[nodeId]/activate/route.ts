import { json } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { activateNode } from "@/lib/services/nodes";

export const POST = authedRoute<{ nodeId: string }>(async (actor, _req, { nodeId }) => json(await activateNode(actor, nodeId)));
