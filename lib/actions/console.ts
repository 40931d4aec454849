"use server";

import { headers } from "next/headers";
import { requireSessionActor } from "@/lib/auth/session";
import { ServiceError } from "@/lib/errors";
import { consoleSocketBase, openConsole } from "@/lib/services/console";

export type StartConsoleResult = { ok: true; url: string; expiresAt: string } | { ok: false; error: string };

/**
 * A console ticket for the Console tab: the same audited command as POST
 * /api/v1/containers/{id}/console (console.open, allowed or denied). The browser connects to
 * the returned URL within 30 seconds; each Reconnect asks for a new ticket, since a ticket is
 * good for one connection only.
 */
export async function startConsole(containerId: string, cols: number, rows: number): Promise<StartConsoleResult> {
  const actor = await requireSessionActor();
  try {
    // The socket's origin follows how this request came in (through the edge: wss://portal,
    // directly: ws://host), so the browser connects back the way it reached the page.
    const session = await openConsole(actor, containerId, { cols, rows }, consoleSocketBase(await headers()));
    return { ok: true, url: session.url, expiresAt: session.expiresAt };
  } catch (error) {
    // The service's own words ("The container is not running…"); anything else is a bug and is rethrown.
    if (error instanceof ServiceError) return { ok: false, error: error.message };
    throw error;
  }
}
