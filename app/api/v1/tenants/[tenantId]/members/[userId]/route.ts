import { authedRoute } from "@/lib/api/route";
import { removeTenantMember } from "@/lib/services/tenant-members";

export const DELETE = authedRoute<{ tenantId: string; userId: string }>(async (actor, _req, { tenantId, userId }) => {
  await removeTenantMember(actor, tenantId, userId);
  return new Response(null, { status: 204 });
});
