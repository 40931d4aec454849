import { json } from "@/lib/api/respond";
import { publicRoute } from "@/lib/api/route";
import { getHealth } from "@/lib/services/health";

export const GET = publicRoute(async () => json(await getHealth()));
