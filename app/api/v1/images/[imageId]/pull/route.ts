import { json } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { pullCatalogImage } from "@/lib/services/images";

/** Pull again: the catalog image onto the host, or on Swarm onto each eligible node lacking it (admin). */
export const POST = authedRoute<{ imageId: string }>(async (actor, _req, { imageId }) => json(await pullCatalogImage(actor, imageId)));
