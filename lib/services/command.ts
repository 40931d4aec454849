import "server-only";
import type { Actor } from "@/lib/auth/actor";
import type { ActionName } from "@/lib/activity/actions";
import { recordActivity, type Outcome } from "@/lib/activity/record";
import { membershipRole, readsAllTenants } from "@/lib/authz";
import { db, type Tx } from "@/lib/db";
import { ServiceError, type ErrorCode } from "@/lib/errors";
import type { Tenant } from "@/lib/generated/prisma/client";
import type { MembershipRole } from "@/lib/schemas/user";
import { memberTenant } from "@/lib/services/member-tenant";
import { assertUnderWriteLimit, assertWriteAllowed, hasWriteLimit } from "@/lib/services/write-limits";

/**
 * The one path every change takes, from the UI's Server Actions and from /api/v1 alike:
 *
 *   actor → tenant scoped to the actor → authorize → parse → work and its success record
 *   in one transaction → anything thrown recorded as a refusal.
 *
 * A service mutation is written as `command(action, body)`. The body learns what it acts on
 * as it goes (`cmd.about`, `cmd.actingTenant`), so a refusal at any step is recorded with
 * everything known by then; it writes its change and the success record together with
 * `cmd.commit`. A body that returns without having committed a record is a bug, and the
 * command refuses to report success for it: "every change is recorded" holds by
 * construction, not by care.
 */

/** What an event says about the object of a command, learned step by step. */
export interface CommandEvent {
  tenantId?: string | null;
  target?: string | null;
  details?: Record<string, unknown>;
}

/** Refusals of the caller's request; everything else (engine, internal) is a failure. */
const DENIED: ReadonlySet<ErrorCode> = new Set([
  "validation_failed",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "quota_exceeded",
  "policy_violation",
  "rate_limited",
]);

export function outcomeOf(error: unknown): Exclude<Outcome, "allowed"> {
  return error instanceof ServiceError && DENIED.has(error.code) ? "denied" : "failed";
}

// A refusal's reason names each bad field, but a request can name any number of fields of
// any length: the record stays small whatever was sent.
const MAX_REASON_FIELDS = 10;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

function reasonOf(error: unknown): string {
  if (!(error instanceof ServiceError)) return "internal error";
  const fields = error.fields ?? [];
  if (!fields.length) return clip(error.message, 1000);
  const named = fields.slice(0, MAX_REASON_FIELDS).map((f) => clip(f.path ? `${clip(f.path, 100)}: ${f.message}` : f.message, 300));
  if (fields.length > MAX_REASON_FIELDS) named.push(`and ${fields.length - MAX_REASON_FIELDS} more`);
  return named.join("; ");
}

/**
 * Records a refused or failed request (the field messages as the reason) and returns the
 * error for the caller to throw. A refusal has no change to share a transaction with; if
 * the log cannot be written the original error still reaches the caller.
 */
export async function recordRefusal(
  actor: Actor,
  action: ActionName,
  event: CommandEvent,
  error: unknown,
  outcome: Exclude<Outcome, "allowed"> = outcomeOf(error),
): Promise<unknown> {
  await recordActivity(actor, { action, ...event, outcome, reason: reasonOf(error) }).catch((recordError: unknown) =>
    console.error("[activity] could not record a refusal:", recordError),
  );
  return error;
}

/** Where a command with a per-actor write limit counts its write. */
export interface CommandOptions {
  /**
   * "first-transaction": in the command's first write transaction (`cmd.transaction` or
   * `cmd.commit`) instead of a transaction of its own before the body; a refused command
   * counts it with its refusal. For a command whose first write comes before any costly
   * work (a launch's reservation precedes the engine): the limit still holds under a burst
   * (the check and the hit run under the write lock there), and one write transaction less.
   * An actor already at the limit is refused at once, by a read.
   */
  countWrite?: "before" | "first-transaction";
}

export class Command {
  private readonly event: CommandEvent = {};
  private committed = false;
  private failedOutcome = false;
  /** A write still to be counted against the actor's limit (countWrite: "first-transaction"). */
  private writeUncounted = false;

  constructor(
    readonly actor: Actor,
    readonly action: ActionName,
  ) {}

  /** @internal command() defers the count of this command's write to its first transaction. */
  deferWriteCount(): void {
    this.writeUncounted = true;
  }

  /** Whether the deferred write has not been counted by a committed transaction. */
  get writeUncountedYet(): boolean {
    return this.writeUncounted;
  }

  /**
   * A write transaction of the command. The first one also counts a deferred write against
   * the actor's limit, before its other writes: if the limit refuses, nothing of it commits.
   */
  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const counting = this.writeUncounted;
    const result = await db.$transaction(async (tx) => {
      if (counting) await assertWriteAllowed(this.actor, this.action, tx);
      return work(tx);
    });
    if (counting) this.writeUncounted = false;
    return result;
  }

  /**
   * Names what the command acts on as soon as it is known: a refusal from here on names it
   * too. A tenant the actor cannot see is named only in the details: an attempt on someone
   * else's tenant is recorded, but never lands in that tenant's feed.
   */
  about(event: CommandEvent): void {
    if (event.details) this.event.details = { ...this.event.details, ...event.details };
    if (event.target !== undefined) this.event.target = event.target;
    const { tenantId } = event;
    if (tenantId === undefined) return;
    if (tenantId === null || readsAllTenants(this.actor) || membershipRole(this.actor, tenantId)) this.event.tenantId = tenantId;
    else this.event.details = { ...this.event.details, requestedTenantId: tenantId };
  }

  /** The tenant the actor acts in, authorized and read with the membership in the query itself. */
  async actingTenant(tenantId: string, need: MembershipRole = "member"): Promise<Tenant> {
    this.about({ tenantId });
    return memberTenant(this.actor, tenantId, need);
  }

  /**
   * Runs the change and writes its success record in one transaction: both commit or
   * neither does. `record` turns the change's result into the event (merged over what
   * `about` said).
   */
  async commit<T>(work: (tx: Tx) => Promise<T>, record: (result: T) => CommandEvent & { action?: ActionName } = () => ({})): Promise<T> {
    const result = await this.transaction(async (tx) => {
      const done = await work(tx);
      await this.recordSuccess(record(done), tx);
      return done;
    });
    this.committed = true;
    return result;
  }

  /** For a change with nothing of Berth's to write (the engine's state is the change). */
  async recordAlone(event: CommandEvent & { action?: ActionName } = {}): Promise<void> {
    if (this.writeUncounted) await this.transaction((tx) => this.recordSuccess(event, tx));
    else await this.recordSuccess(event, db);
    this.committed = true;
  }

  /**
   * Marks what is thrown next as a failure of the work rather than a refusal of the request,
   * whatever its code (a pull the registry answered with "no such tag" is the caller's
   * mistake in the API, but the work was tried and failed).
   */
  failure(error: unknown): unknown {
    this.failedOutcome = true;
    return error;
  }

  /** A further event about the same command (a partial failure after the change committed). */
  async note(outcome: Outcome, reason: string): Promise<void> {
    await recordActivity(this.actor, { action: this.action, ...this.event, outcome, reason });
  }

  private async recordSuccess(event: CommandEvent & { action?: ActionName }, tx: Tx) {
    const { action = this.action, ...rest } = event;
    await recordActivity(this.actor, { action, ...this.event, ...rest, details: rest.details ?? this.event.details, outcome: "allowed" }, tx);
  }

  /** Whether the success was committed, and what the events say so far. */
  get state() {
    return { committed: this.committed, event: this.event, failed: this.failedOutcome };
  }
}

/** A service mutation; `audited` marks it as one (test/integration/refusals.int.test.ts enumerates them). */
export type CommandFn<A extends unknown[], R> = ((actor: Actor, ...args: A) => Promise<R>) & { readonly audited: true };

/**
 * Defines a service mutation on the audited path. The action may depend on the arguments
 * (start, stop or restart); `about` reads what is known from the arguments alone (a target
 * named in the URL), before any step can refuse. Writes with a per-actor limit
 * (lib/services/write-limits.ts) are counted whether refused or not: a flood of refused
 * requests is a flood too. By default they are counted first, in a transaction of their
 * own; see CommandOptions for counting in the command's first transaction.
 */
export function command<A extends unknown[], R>(
  action: ActionName | ((args: NoInfer<A>) => ActionName),
  body: (cmd: Command, ...args: A) => Promise<R>,
  about?: (args: NoInfer<A>) => CommandEvent,
  options: CommandOptions = {},
): CommandFn<A, R> {
  const run = async (actor: Actor, ...args: A): Promise<R> => {
    const name = typeof action === "function" ? action(args) : action;
    const cmd = new Command(actor, name);
    try {
      if (about) cmd.about(about(args));
      if (options.countWrite === "first-transaction" && hasWriteLimit(name)) {
        await assertUnderWriteLimit(actor, name);
        cmd.deferWriteCount();
      } else {
        await assertWriteAllowed(actor, name);
      }
      const result = await body(cmd, ...args);
      if (!cmd.state.committed) throw new Error(`${name} finished without recording its success`);
      return result;
    } catch (error) {
      // A failure after the success was committed (an engine clean-up) is not a refusal.
      if (cmd.state.committed) throw error;
      const { event, failed } = cmd.state;
      if (cmd.writeUncountedYet) await countRefusedWrite(actor, name, error);
      throw await recordRefusal(actor, name, event, error, failed ? "failed" : outcomeOf(error));
    }
  };
  return Object.assign(run, { audited: true as const });
}

/**
 * A refused command whose write was not counted yet counts it now, unless the limit itself
 * refused it (a refusal by the limit counts nothing, as with the count before the body).
 * The limit refusing here changes nothing: the command is refused already.
 */
async function countRefusedWrite(actor: Actor, action: ActionName, error: unknown): Promise<void> {
  if (error instanceof ServiceError && error.code === "rate_limited") return;
  await assertWriteAllowed(actor, action).catch((countError: unknown) => {
    if (!(countError instanceof ServiceError && countError.code === "rate_limited"))
      console.error("[write-limits] could not count a refused write:", countError);
  });
}

/**
 * For reads whose refusal is worth knowing about (someone reading another tenant's log):
 * runs the read and records a refusal of it.
 */
export async function guardedRead<T>(actor: Actor, action: ActionName, event: CommandEvent, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw await recordRefusal(actor, action, event, error);
  }
}
