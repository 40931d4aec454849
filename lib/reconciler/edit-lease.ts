import "server-only";
import { randomBytes } from "node:crypto";
import { leaseHolder, releaseLease, tryLease } from "@/lib/reconciler/lease";

/*
 * An edit in flight, as a lease on the row (the lease table: seen by the reconciler in
 * whichever portal process holds it). While an edit runs, the engine can show the new
 * workload before the row records it (on Swarm the service's live spec is the new one as
 * soon as it is written), and the reconciler, verifying against the row, would take the
 * edit for drift. It leaves a row alone while its edit lease is held; the lease expires by
 * itself if the editing process dies.
 */

/** Longer than any edit: a launch's wait for its task, the verification and a rollback's wait. */
const EDIT_LEASE_MS = 5 * 60_000;

const leaseName = (containerId: string) => `edit:${containerId}`;

/** Takes the row's edit lease, or returns null when another edit holds it. */
export async function takeEditLease(containerId: string): Promise<{ release(): Promise<void> } | null> {
  const holder = randomBytes(8).toString("hex");
  if (!(await tryLease(leaseName(containerId), holder, EDIT_LEASE_MS))) return null;
  return { release: () => releaseLease(leaseName(containerId), holder) };
}

export async function editInFlight(containerId: string): Promise<boolean> {
  return (await leaseHolder(leaseName(containerId))) !== null;
}
