import { authedRoute } from "@/lib/api/route";
import { revokeToken } from "@/lib/services/tokens";

export const DELETE = authedRoute<{ tokenId: string }>(async (actor, _req, { tokenId }) => {
  await revokeToken(actor, tokenId);
  return new Response(null, { status: 204 });
});
