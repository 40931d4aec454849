import { json } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { listTokens } from "@/lib/services/tokens";

export const GET = authedRoute(async (actor) => json({ items: await listTokens(actor) }));
