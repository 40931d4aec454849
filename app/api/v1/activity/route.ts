import { json } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { listActivity } from "@/lib/services/activity";

export const dynamic = "force-dynamic";

export const GET = authedRoute(async (actor, req) => json(await listActivity(actor, Object.fromEntries(new URL(req.url).searchParams))));
