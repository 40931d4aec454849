import { json } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { ingressInfo } from "@/lib/services/ingress";

export const GET = authedRoute(async (actor) => json(await ingressInfo(actor)));
