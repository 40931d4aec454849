import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { recordActivity } from "@/lib/activity/record";
import { ServiceError } from "@/lib/errors";

const DENIED = new Set(["validation_failed", "forbidden", "not_found", "conflict", "quota_exceeded", "policy_violation", "rate_limited"]);

/**
 * Records a refused or failed action (with the field messages as the reason) and returns
 * the error for the caller to throw. Denials are recorded on their own: there is no change
 * for them to share a transaction with.
 */
export async function recordRefusal(
  actor: Actor,
  event: { action: string; tenantId?: string | null; target?: string | null; details?: Record<string, unknown> },
  error: unknown,
): Promise<unknown> {
  const known = error instanceof ServiceError ? error : null;
  const reason = known
    ? known.fields?.length
      ? known.fields.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join("; ")
      : known.message
    : "internal error";
  await recordActivity(actor, {
    ...event,
    outcome: known && DENIED.has(known.code) ? "denied" : "failed",
    reason: reason.slice(0, 2000),
  }).catch((recordError: unknown) => console.error("[activity] could not record a refusal:", recordError));
  return error;
}

type RefusalEvent = { action: string; tenantId?: string | null; target?: string | null };

/**
 * Wraps a service action so any refusal or failure it throws is recorded (once) before it
 * propagates: for actions whose only record is otherwise their success, written in the
 * same transaction as the change. Actions that record their own refusals do not use this.
 */
export function recordingRefusals<A extends unknown[], R>(
  event: (args: NoInfer<A>) => RefusalEvent,
  action: (actor: Actor, ...args: A) => Promise<R>,
): (actor: Actor, ...args: A) => Promise<R> {
  return async (actor, ...args) => {
    try {
      return await action(actor, ...args);
    } catch (error) {
      throw await recordRefusal(actor, event(args), error);
    }
  };
}
