/**
 * Runs once when the server starts: the reconciler keeps container status true to the
 * engine (events, drift, crashed launches), and signed checkpoints of the activity chain's
 * head are written on a schedule (lib/activity/checkpoints.ts). BERTH_RECONCILER=off
 * disables the reconciler, e.g. for a second portal replica that should never lead.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startCheckpoints } = await import("@/lib/activity/checkpoints");
  startCheckpoints();
  if (process.env.BERTH_RECONCILER === "off") return;
  const { startReconciler } = await import("@/lib/reconciler/reconciler");
  startReconciler();
}
