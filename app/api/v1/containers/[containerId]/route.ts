import { json } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { getContainer, removeContainer } from "@/lib/services/containers";

type Params = { containerId: string };

export const GET = authedRoute<Params>(async (actor, _req, { containerId }) => json(await getContainer(actor, containerId)));
export const DELETE = authedRoute<Params>(async (actor, _req, { containerId }) => {
  await removeContainer(actor, containerId);
  return new Response(null, { status: 204 });
});
