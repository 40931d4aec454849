import { json, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { addCatalogImage, listCatalogImages } from "@/lib/services/images";

export const GET = authedRoute(async (actor) => json({ items: await listCatalogImages(actor) }));
// Pulls before answering: a large image keeps the request open until it is on the host.
export const POST = authedRoute(async (actor, req) => json(await addCatalogImage(actor, await readJson(req)), 201));
