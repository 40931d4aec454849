import { json } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { verifyActivityChain } from "@/lib/services/activity";

export const dynamic = "force-dynamic";

export const GET = authedRoute(async (actor) => json(await verifyActivityChain(actor)));
