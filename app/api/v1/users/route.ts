import { json, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { createUser, listUsers, toUserDto } from "@/lib/services/users";

export const GET = authedRoute(async (actor) => json({ items: (await listUsers(actor)).map(toUserDto) }));
export const POST = authedRoute(async (actor, req) => json(await createUser(actor, await readJson(req)), 201));
