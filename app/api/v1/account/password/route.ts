import { readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { changeOwnPassword } from "@/lib/services/passwords";

// Ends every session and API token of the caller, the token that made this call included.
export const POST = authedRoute(async (actor, req) => {
  await changeOwnPassword(actor, await readJson(req));
  return new Response(null, { status: 204 });
});
