import { authedRoute } from "@/lib/api/route";
import { deleteVolume } from "@/lib/services/volumes";

export const DELETE = authedRoute<{ volumeId: string }>(async (actor, _req, { volumeId }) => {
  await deleteVolume(actor, volumeId);
  return new Response(null, { status: 204 });
});
