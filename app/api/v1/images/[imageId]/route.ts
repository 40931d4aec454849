import { authedRoute } from "@/lib/api/route";
import { removeCatalogImage } from "@/lib/services/images";

export const DELETE = authedRoute<{ imageId: string }>(async (actor, _req, { imageId }) => {
  await removeCatalogImage(actor, imageId);
  return new Response(null, { status: 204 });
});
