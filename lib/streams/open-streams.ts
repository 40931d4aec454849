import "server-only";
import { ServiceError } from "@/lib/errors";

/**
 * Long-lived responses (a followed log, an image pull's progress, the console to come)
 * each hold a daemon connection, a timer and buffers for as long as the client keeps them
 * open. The portal is one Node process: without a ceiling, one user (or one tenant's users
 * together) could open enough of them to starve everyone else. This registry admits a
 * stream per user and per tenant up to a limit and counts it until it is released.
 *
 * The counts are per process: with several portal replicas each enforces its own ceiling,
 * which still bounds what one replica holds.
 */

/** Default ceilings: a person rarely has more than a few log tabs open; a tenant has a few people. */
export const DEFAULT_STREAMS_PER_USER = 8;
export const DEFAULT_STREAMS_PER_TENANT = 32;

/** What a refused client is told to wait: streams end when someone closes a tab, so soon. */
export const STREAM_RETRY_AFTER_SECONDS = 5;

export interface StreamOwner {
  userId: string;
  /** The tenant whose resource the stream reads (none for an admin's image pull). */
  tenantId?: string;
}

export interface StreamLease {
  /** Frees the slot; safe to call more than once, from every close path. */
  release(): void;
}

interface Registry {
  perUser: Map<string, number>;
  perTenant: Map<string, number>;
}

// Kept on globalThis: in development Next.js may load this module more than once, and two
// registries would each admit the full limit.
const globalForStreams = globalThis as unknown as { berthOpenStreams?: Registry };

function registry(): Registry {
  globalForStreams.berthOpenStreams ??= { perUser: new Map(), perTenant: new Map() };
  return globalForStreams.berthOpenStreams;
}

function limitFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, got "${raw}"`);
  return value;
}

/** The limits as configured now (read on each admission, so an operator's change needs no restart of this module). */
export function streamLimits(): { perUser: number; perTenant: number } {
  return {
    perUser: limitFrom("BERTH_STREAMS_PER_USER", DEFAULT_STREAMS_PER_USER),
    perTenant: limitFrom("BERTH_STREAMS_PER_TENANT", DEFAULT_STREAMS_PER_TENANT),
  };
}

const plural = (n: number) => `${n} stream${n === 1 ? "" : "s"}`;

/**
 * Admits one more open stream for this user and tenant, or throws `rate_limited` (429 with
 * Retry-After) saying how many are open and what to do. Release the lease when the stream
 * ends, whichever way it ends.
 */
export function admitStream(owner: StreamOwner): StreamLease {
  const { perUser, perTenant } = streamLimits();
  const { perUser: users, perTenant: tenants } = registry();
  const userOpen = users.get(owner.userId) ?? 0;
  if (userOpen >= perUser) {
    throw new ServiceError(
      "rate_limited",
      `You already have ${plural(userOpen)} open (live logs or image pulls; the limit is ${perUser} per user). ` +
        "Close one, for example a browser tab following a container's logs, and try again.",
      undefined,
      STREAM_RETRY_AFTER_SECONDS,
    );
  }
  const tenantOpen = owner.tenantId ? (tenants.get(owner.tenantId) ?? 0) : 0;
  if (owner.tenantId && tenantOpen >= perTenant) {
    throw new ServiceError(
      "rate_limited",
      `This tenant already has ${plural(tenantOpen)} open (the limit is ${perTenant} per tenant). ` +
        "Close a live log someone in the tenant no longer needs, and try again.",
      undefined,
      STREAM_RETRY_AFTER_SECONDS,
    );
  }
  users.set(owner.userId, userOpen + 1);
  if (owner.tenantId) tenants.set(owner.tenantId, tenantOpen + 1);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      decrement(users, owner.userId);
      if (owner.tenantId) decrement(tenants, owner.tenantId);
    },
  };
}

function decrement(counts: Map<string, number>, key: string) {
  const left = (counts.get(key) ?? 0) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}

/** How many streams are open now, for this user or tenant (tests, diagnostics). */
export function openStreamCount(of: { userId?: string; tenantId?: string }): number {
  const { perUser, perTenant } = registry();
  if (of.userId) return perUser.get(of.userId) ?? 0;
  if (of.tenantId) return perTenant.get(of.tenantId) ?? 0;
  return 0;
}
