import type { Container } from "@/lib/generated/prisma/client";

/**
 * A row no engine state changes, so a refresh leaves it as it is and the reconciler need not
 * ask the engine about it: a launch not committed yet (the reconciler looks again once it has),
 * a quarantine (kept for an administrator), and a missing row, which is final: the engine's ids
 * are never reused. Berth's own removal marks the row missing before it removes the container
 * (lib/services/containers.ts), so the kill, die and destroy that follow are not read as the
 * container dying or vanishing by itself.
 */
export function heldFromRefresh(status: Container["status"]): boolean {
  return status === "creating" || status === "quarantined" || status === "missing";
}
