/**
 * Runs once when the server starts: the reconciler keeps container status true to the
 * engine (events, drift, crashed launches), and signed checkpoints of the activity chain's
 * head are written on a schedule (lib/activity/checkpoints.ts). BERTH_RECONCILER=off
 * disables the reconciler, e.g. for a second portal replica that should never lead.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Control N3: a portal whose apps domain overlaps its own host would hand tenant apps its
  // cookies; it refuses to start, saying which setting is wrong.
  const { ingressSettings } = await import("@/lib/ingress/settings");
  let ingress;
  try {
    ingress = ingressSettings();
  } catch (error) {
    console.error(`[berth] refusing to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  // A bad engine setting (BERTH_ENGINE, the Swarm endpoints) stops the start, saying which.
  const { engineConfig } = await import("@/lib/docker/engine-config");
  let engine;
  try {
    engine = engineConfig();
  } catch (error) {
    console.error(`[berth] refusing to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  // The console's WebSocket: scripts/portal-server.cjs hands it every upgrade first.
  const { registerConsoleUpgrade } = await import("@/lib/console/server");
  registerConsoleUpgrade();
  const { startCheckpoints } = await import("@/lib/activity/checkpoints");
  startCheckpoints();
  if (process.env.BERTH_RECONCILER === "off") return;
  const { startReconciler } = await import("@/lib/reconciler/reconciler");
  startReconciler();
  // On Swarm, every node's posture decides its eligibility label (hardening S1).
  if (engine.kind === "swarm") {
    const { startNodeWatch } = await import("@/lib/docker/node-watch");
    startNodeWatch();
  }
  // The edge follows the database like the reconciler follows the engine (one leader per engine).
  if (ingress.enabled) {
    const { startEdgeSync } = await import("@/lib/ingress/edge-sync");
    startEdgeSync(ingress);
  }
}
