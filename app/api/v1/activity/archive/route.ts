import { json, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { archiveActivity } from "@/lib/services/activity-archive";

export const POST = authedRoute(async (actor, req) => json(await archiveActivity(actor, await readJson(req)), 201));
