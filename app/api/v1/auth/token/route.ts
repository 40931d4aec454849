import { json, readJson } from "@/lib/api/respond";
import { publicRoute } from "@/lib/api/route";
import { clientInfoFrom } from "@/lib/auth/client-info";
import { createTokenWithPassword } from "@/lib/services/tokens";

export const POST = publicRoute(async (req) => json(await createTokenWithPassword(await readJson(req), clientInfoFrom(req.headers)), 201));
