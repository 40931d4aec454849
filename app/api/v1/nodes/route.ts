import { json } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { listNodes } from "@/lib/services/nodes";

export const GET = authedRoute(async (actor) => json({ items: await listNodes(actor) }));
