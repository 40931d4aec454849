import { json } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { drainNode } from "@/lib/services/nodes";

export const POST = authedRoute<{ nodeId: string }>(async (actor, _req, { nodeId }) => json(await drainNode(actor, nodeId)));
