/**
 * Runs once when the server starts: the reconciler keeps container status true to the
 * engine (events, drift, crashed launches). BERTH_RECONCILER=off disables it, e.g. for a
 * second portal replica that should never lead.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.BERTH_RECONCILER === "off") return;
  const { startReconciler } = await import("@/lib/reconciler/reconciler");
  startReconciler();
}
