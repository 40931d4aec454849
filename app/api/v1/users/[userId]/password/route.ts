import { readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { resetUserPassword } from "@/lib/services/passwords";

export const POST = authedRoute<{ userId: string }>(async (actor, req, { userId }) => {
  await resetUserPassword(actor, userId, await readJson(req));
  return new Response(null, { status: 204 });
});
