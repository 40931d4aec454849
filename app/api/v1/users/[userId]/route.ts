import { json, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { getUser, updateUser } from "@/lib/services/users";

type Params = { userId: string };

export const GET = authedRoute<Params>(async (actor, _req, { userId }) => json(await getUser(actor, userId)));
export const PATCH = authedRoute<Params>(async (actor, req, { userId }) => json(await updateUser(actor, userId, await readJson(req))));
