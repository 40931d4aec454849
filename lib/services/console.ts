import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Actor, ClientInfo } from "@/lib/auth/actor";
import { recordActivity } from "@/lib/activity/record";
import { actorNow } from "@/lib/auth/actor-now";
import { viaEdge } from "@/lib/auth/client-info";
import { assertCanActInTenant, membershipRole, tenantWhere } from "@/lib/authz";
import { db } from "@/lib/db";
import { workloadState } from "@/lib/docker/workloads";
import { ServiceError, forbidden, notFound } from "@/lib/errors";
import { ingressSettings } from "@/lib/ingress/settings";
import { consoleRequestSchema, type ConsoleSession } from "@/lib/schemas/console";
import { command, recordRefusal, type Command } from "@/lib/services/command";
import { parseInput } from "@/lib/validation";

/**
 * Consoles (api-v1.md "Console", control O5): a member asks for a session (an audited
 * `console.open`) and gets a WebSocket URL carrying a single-use ticket, bound to them and to
 * one running container for 30 seconds. The WebSocket server (lib/console/server.ts) redeems
 * it, re-checks access while the session lasts and records `console.close`.
 */

const TICKET_TTL_MS = 30_000;
const DEFAULT_COLS = 80;
const DEFAULT_ROWS = 24;
export const CONSOLE_PATH = "/api/v1/console/";

const hashOf = (ticket: string) => createHash("sha256").update(ticket).digest("hex");

/** The container, if the actor may open a console in it: a member who may act, never an operator. */
async function consoleContainer(actor: Actor, containerId: string) {
  const row = await db.container.findFirst({ where: { id: containerId, tenant: tenantWhere(actor) }, include: { tenant: true } });
  if (!row) throw notFound("Container");
  if (actor.role === "operator") throw forbidden("Operators review tenants; they never get a console.");
  if (!membershipRole(actor, row.tenantId)) throw forbidden("Only members of this container's tenant can open a console in it.");
  assertCanActInTenant(actor, row.tenantId);
  return row;
}

// Row states in which the container is not running, or is being stopped at Berth's request
// (a stop or restart marks the row before the engine acts, so a console can tell at once).
const NOT_RUNNING = new Set(["quarantined", "stopped", "restarting", "exited", "dead", "missing", "creating"]);

async function assertRunning(row: { tenantId: string; dockerId: string | null; status: string }): Promise<string> {
  const live = row.dockerId && !NOT_RUNNING.has(row.status) ? await workloadState(row.tenantId, row.dockerId) : null;
  if (!live || live.state !== "running" || !row.dockerId)
    throw new ServiceError("conflict", "The container is not running; start it to open a console.");
  return row.dockerId;
}

/** The WebSocket origin a console URL starts with: the portal's through the edge, the request's own on the direct listener. */
export function consoleSocketBase(headers: Headers): string {
  if (viaEdge(headers)) return ingressSettings().portalUrl.replace(/^https:/, "wss:");
  return `ws://${headers.get("host") ?? "127.0.0.1"}`;
}

/** POST /containers/{id}/console: a ticket for the caller and this running container. */
export const openConsole = command(
  "console.open",
  async (cmd: Command, containerId: string, input: unknown, socketBase: string): Promise<ConsoleSession> => {
    const row = await consoleContainer(cmd.actor, containerId);
    cmd.about({ tenantId: row.tenantId, target: `container:${row.name}` });
    const size = parseInput(consoleRequestSchema, input ?? {});
    await assertRunning(row);
    const ticket = randomBytes(32).toString("base64url");
    const expiresAt = new Date(Date.now() + TICKET_TTL_MS);
    const { cols = DEFAULT_COLS, rows = DEFAULT_ROWS } = size;
    await cmd.commit(
      (tx) =>
        tx.consoleTicket.create({
          data: {
            ticketHash: hashOf(ticket),
            userId: cmd.actor.userId,
            apiTokenId: cmd.actor.tokenId ?? null,
            containerId: row.id,
            cols,
            rows,
            expiresAt,
          },
        }),
      () => ({ details: { containerId: row.id, cols, rows, expiresAt: expiresAt.toISOString() } }),
    );
    return { url: `${socketBase}${CONSOLE_PATH}${ticket}`, expiresAt: expiresAt.toISOString() };
  },
  ([containerId]) => ({ details: { containerId } }),
);

export interface RedeemedTicket {
  actor: Actor;
  container: { id: string; name: string; tenantId: string; dockerId: string; uid: number };
  cols: number;
  rows: number;
}

/**
 * The WebSocket's first step, before the upgrade: the ticket is used up (atomically: a ticket
 * used twice, even at once, admits one), then the caller's access is read again as it is now.
 * Every refusal is recorded as `console.open` denied, with the reason, and thrown.
 */
export async function redeemConsoleTicket(ticket: string, client: ClientInfo): Promise<RedeemedTicket> {
  const ticketHash = hashOf(ticket);
  const now = new Date();
  const used = await db.consoleTicket.updateMany({ where: { ticketHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  const row = await db.consoleTicket.findUnique({ where: { ticketHash }, include: { container: true } });
  const owner = row ? await db.user.findUnique({ where: { id: row.userId }, select: { email: true, role: true } }) : null;
  // Who the refusal is recorded for: the ticket's user when the ticket is known.
  const who: Actor = row
    ? {
        kind: row.apiTokenId ? "token" : "user",
        userId: row.userId,
        tokenId: row.apiTokenId ?? undefined,
        // The ticket was made by a session that held when it was made: its creation stands in
        // for the session's sign-in, so a password change ends this console at the next check.
        issuedAt: row.createdAt,
        email: owner?.email ?? "",
        role: owner?.role ?? "member",
        memberships: [],
        client,
      }
    : { kind: "user", userId: "", email: "", role: "member", memberships: [], client };
  const event = {
    tenantId: row?.container.tenantId ?? null,
    target: row ? `container:${row.container.name}` : null,
    details: { containerId: row?.containerId },
  };
  const refuse = async (error: ServiceError): Promise<never> => {
    throw await recordRefusal(row ? who : { ...who, kind: "user" }, "console.open", row ? event : { details: {} }, error);
  };
  if (!row) return refuse(new ServiceError("unauthorized", "This console ticket is not known."));
  if (used.count === 0) {
    return refuse(
      new ServiceError(
        "unauthorized",
        row.usedAt ? "This console ticket was used already; ask for a new one." : "This console ticket expired; ask for a new one.",
      ),
    );
  }
  const now_ = await actorNow(who);
  if ("ended" in now_) return refuse(new ServiceError("unauthorized", now_.ended));
  try {
    const container = await consoleContainer(now_.actor, row.containerId);
    const dockerId = await assertRunning(container);
    return {
      actor: now_.actor,
      container: { id: container.id, name: container.name, tenantId: container.tenantId, dockerId, uid: container.tenant.uid },
      cols: row.cols,
      rows: row.rows,
    };
  } catch (error) {
    if (error instanceof ServiceError) return refuse(error);
    throw error;
  }
}

/** A refusal of the upgrade itself (a foreign Origin, too many consoles), recorded as console.open denied. */
export async function refuseConsole(
  actor: Actor | null,
  client: ClientInfo,
  container: { id: string; name: string; tenantId: string } | null,
  error: ServiceError,
) {
  const who: Actor = actor ?? { kind: "user", userId: "", email: "", role: "member", memberships: [], client };
  return recordRefusal(
    who,
    "console.open",
    container ? { tenantId: container.tenantId, target: `container:${container.name}`, details: { containerId: container.id } } : { details: {} },
    error,
  );
}

/**
 * While a session lasts: whether the caller may still have it, read as a new request would be.
 * `accessEnded` (close 4001) or `stopped` (4003), with the reason in words, else null.
 */
export async function consoleAccessNow(actor: Actor, containerId: string): Promise<{ kind: "accessEnded" | "stopped"; reason: string } | null> {
  const now = await actorNow(actor);
  if ("ended" in now) return { kind: "accessEnded", reason: now.ended };
  let row;
  try {
    row = await consoleContainer(now.actor, containerId);
  } catch (error) {
    if (error instanceof ServiceError) return { kind: "accessEnded", reason: error.message };
    throw error;
  }
  try {
    await assertRunning(row);
  } catch (error) {
    if (error instanceof ServiceError) return { kind: "stopped", reason: error.message };
    throw error;
  }
  return null;
}

/** `console.close`: how long and how many bytes each way, never what was typed or shown. */
export async function recordConsoleClose(
  actor: Actor,
  container: { id: string; name: string; tenantId: string },
  details: { durationMs: number; bytesIn: number; bytesOut: number; code: number; reason: string },
): Promise<void> {
  await recordActivity(actor, {
    action: "console.close",
    outcome: "allowed",
    tenantId: container.tenantId,
    target: `container:${container.name}`,
    details: { containerId: container.id, ...details },
  }).catch((error: unknown) => console.error("[console] could not record console.close:", error));
}
