import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { recordActivity } from "@/lib/activity/record";
import type { Tx } from "@/lib/db";
import { ServiceError } from "@/lib/errors";
import { appHostName, appLabel } from "@/lib/ingress/host-name";
import { isUniqueViolation } from "@/lib/prisma-errors";

/**
 * Gives each HTTPS port of a launch its host name under the apps domain (lib/ingress/host-name.ts),
 * inside the caller's transaction. The host name is the table's primary key, so a name held by
 * any container of any tenant cannot be handed out again while that container exists.
 */
export async function allocateRoutes(
  tx: Tx,
  containerId: string,
  app: { name: string; tenantSlug: string },
  requested: readonly { container: number; expose: "https" | "port" }[],
  appsDomain: string,
  /**
   * Name every port with its number (`9000--web--acme`), never the bare app name: an edit that
   * adds HTTPS ports to a container keeps its existing routes, one of which holds the bare name.
   */
  options: { qualifyAll?: boolean } = {},
): Promise<{ containerPort: number; hostName: string }[]> {
  const https = requested
    .filter((p) => p.expose === "https")
    .map((p) => p.container)
    .sort((a, b) => a - b);
  if (https.length === 0) return [];
  const routes = https.map((port, index) => ({
    containerPort: port,
    hostName: appHostName(appLabel(app.name, app.tenantSlug, port, options.qualifyAll ? index + 1 : index), appsDomain),
  }));
  try {
    await tx.ingressRoute.createMany({ data: routes.map((r) => ({ ...r, containerId })) });
  } catch (error) {
    if (isUniqueViolation(error, "hostName")) {
      throw new ServiceError("conflict", "The host name for this app is already in use; choose another container name.", [
        { path: "name", message: "its host name is taken" },
      ]);
    }
    throw error;
  }
  return routes;
}

/**
 * Route changes are events of their own, written in the transaction of the launch or removal
 * that makes them (the edge follows the database within seconds: lib/ingress/edge-sync.ts).
 */
export async function recordRouteChanges(
  actor: Actor,
  action: "ingress.route.add" | "ingress.route.remove",
  container: { id: string; tenantId: string; name: string; routes: { hostName: string; containerPort: number }[] },
  tx: Tx,
): Promise<void> {
  for (const route of container.routes) {
    await recordActivity(
      actor,
      {
        action,
        outcome: "allowed",
        tenantId: container.tenantId,
        target: `route:${route.hostName}`,
        details: { containerId: container.id, container: container.name, containerPort: route.containerPort, hostName: route.hostName },
      },
      tx,
    );
  }
}
