import { json, readJson } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { getContainer, removeContainer } from "@/lib/services/containers";
import { updateContainer } from "@/lib/services/update-container";

type Params = { containerId: string };

export const GET = authedRoute<Params>(async (actor, _req, { containerId }) => json(await getContainer(actor, containerId)));
/** Edit and redeploy: an UpdateRequest (a LaunchRequest without name); see lib/services/update-container.ts. */
export const PUT = authedRoute<Params>(async (actor, req, { containerId }) => json(await updateContainer(actor, containerId, await readJson(req))));
export const DELETE = authedRoute<Params>(async (actor, _req, { containerId }) => {
  await removeContainer(actor, containerId);
  return new Response(null, { status: 204 });
});
