import { json } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { changeContainerState } from "@/lib/services/containers";

export const POST = authedRoute<{ containerId: string }>(async (actor, _req, { containerId }) =>
  json(await changeContainerState(actor, containerId, "restart")),
);
