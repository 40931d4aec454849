import { json, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { getQuotaDefaults, setQuotaDefaults } from "@/lib/services/quota-defaults";

export const GET = authedRoute(async (actor) => json(await getQuotaDefaults(actor)));
export const PUT = authedRoute(async (actor, req) => json(await setQuotaDefaults(actor, await readJson(req))));
