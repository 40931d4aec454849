import { json, queryOf, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { createUser, queryUsers, toUserDto } from "@/lib/services/users";

export const GET = authedRoute(async (actor, req) => {
  const page = await queryUsers(actor, queryOf(req));
  return json({ ...page, items: page.items.map(toUserDto) });
});
export const POST = authedRoute(async (actor, req) => json(await createUser(actor, await readJson(req)), 201));
