import "server-only";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { Actor } from "@/lib/auth/actor";
import { clientInfoFrom, viaEdge } from "@/lib/auth/client-info";
import { openConsoleExec, type ConsoleExec } from "@/lib/docker/exec";
import { ServiceError } from "@/lib/errors";
import { ingressSettings } from "@/lib/ingress/settings";
import { TokenBucket } from "@/lib/rate-limit/token-bucket";
import { CONSOLE_CLOSE } from "@/lib/schemas/console";
import { CONSOLE_PATH, consoleAccessNow, recordConsoleClose, redeemConsoleTicket, refuseConsole, type RedeemedTicket } from "@/lib/services/console";

/**
 * The console's WebSocket (api-v1.md "Console"). Next's route handlers cannot take over a
 * connection, so scripts/portal-server.cjs hands every upgrade to this handler first (it is
 * registered on a global by instrumentation.ts, inside Next's build, where lib/ resolves).
 * Everything that can refuse happens before the upgrade, as a plain HTTP answer: the Origin,
 * the ticket, the caller's access as it is now, the per-tenant cap, and the exec itself,
 * which lib/docker/exec.ts creates through the policy and checks by its inspect (O5).
 */

const minutes = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return (Number.isFinite(value) && value > 0 ? value : fallback) * 60_000;
};
const limits = () => ({
  idleMs: minutes("BERTH_CONSOLE_IDLE_MINUTES", 15),
  maxMs: minutes("BERTH_CONSOLE_MAX_HOURS", 8) * 60,
  perTenant: Number(process.env.BERTH_CONSOLES_PER_TENANT) || 5,
  // The same re-check as every long-lived stream (lib/streams/guarded-stream.ts): at most 30 s.
  recheckMs: Math.min(Number(process.env.BERTH_STREAM_RECHECK_MS) || 30_000, 30_000),
  bytesPerSecond: kibPerSecond() * 1024,
});

/**
 * What one console relays at most each way, per second (0: no cap). Every byte a console
 * relays costs the portal's one event loop and the engine CPU (~50 ms per MiB in all on this
 * host, docs/benchmarks.md), so without a cap a few consoles printing as fast as they can
 * (`cat /dev/urandom`) freeze the portal for everyone: health took 1.7 s with 20 of them. 256
 * KiB/s is more than anyone reads (thousands of lines a second) and leaves the host its CPU.
 */
function kibPerSecond(): number {
  const value = Number(process.env.BERTH_CONSOLE_KIB_PER_SECOND ?? 256);
  return Number.isFinite(value) && value >= 0 ? value : 256;
}

/**
 * A stream held back for any of several reasons (a slow browser, the rate cap, a shell that
 * does not read), going on only when none is left.
 */
function pausable(pause: () => void, resume: () => void) {
  const reasons = new Set<string>();
  return {
    holds: (reason: string) => reasons.has(reason),
    hold(reason: string) {
      if (reasons.size === 0) pause();
      reasons.add(reason);
    },
    release(reason: string) {
      if (reasons.delete(reason) && reasons.size === 0) resume();
    },
  };
}

/** The shell a console runs (the image's /bin/sh; Berth's starter images are busybox). */
const SHELL = ["/bin/sh"];
// Output waits for a slow browser instead of piling up in memory.
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

// A paste arrives as one message: 8 MiB covers any sane paste; past it the session ends (1009).
const MAX_MESSAGE = 8 * 1024 * 1024;
const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
const openByTenant = new Map<string, number>();

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(key, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(key, v);
  }
  return headers;
}

/** The only Origin a browser may open a console from: the portal's (through the edge) or the listener's own. */
function allowedOrigin(headers: Headers): string {
  return viaEdge(headers) ? ingressSettings().portalUrl : `http://${headers.get("host") ?? ""}`;
}

const STATUS: Record<string, number> = { unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, rate_limited: 429, policy_violation: 422 };

function reject(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${status === 429 ? "Too Many Requests" : "Refused"}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function rejectWith(socket: Duplex, error: unknown): void {
  if (error instanceof ServiceError) reject(socket, STATUS[error.code] ?? 400, error.message);
  else reject(socket, 500, "The console could not be opened.");
}

/** Takes a console upgrade (true) or leaves the request to Next (false). */
export async function handleConsoleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean> {
  const path = new URL(req.url ?? "/", "http://portal").pathname;
  if (!path.startsWith(CONSOLE_PATH)) return false;
  const ticket = path.slice(CONSOLE_PATH.length);
  const headers = headersOf(req);
  const client = clientInfoFrom(headers);
  try {
    // A browser always sends its Origin; another site's page must never reach a shell.
    const origin = headers.get("origin");
    if (origin !== null && origin !== allowedOrigin(headers)) {
      throw await refuseConsole(null, client, null, new ServiceError("forbidden", `A console cannot be opened from ${origin.slice(0, 100)}.`));
    }
    const redeemed = await redeemConsoleTicket(ticket, client);
    const { perTenant } = limits();
    if ((openByTenant.get(redeemed.container.tenantId) ?? 0) >= perTenant) {
      throw await refuseConsole(
        redeemed.actor,
        client,
        redeemed.container,
        new ServiceError("rate_limited", `This tenant has ${perTenant} consoles open, the most allowed at once; close one first.`),
      );
    }
    let exec: ConsoleExec;
    try {
      exec = await openConsoleExec({ id: redeemed.container.tenantId, uid: redeemed.container.uid }, redeemed.container.dockerId, SHELL);
    } catch (error) {
      throw await refuseConsole(
        redeemed.actor,
        client,
        redeemed.container,
        error instanceof ServiceError ? error : new ServiceError("internal", String(error)),
      );
    }
    wss.handleUpgrade(req, socket, head, (ws) => runSession(ws, exec, redeemed));
  } catch (error) {
    rejectWith(socket, error);
  }
  return true;
}

function runSession(ws: WebSocket, exec: ConsoleExec, session: RedeemedTicket): void {
  const { idleMs, maxMs, recheckMs, bytesPerSecond } = limits();
  const { container } = session;
  const started = Date.now();
  let lastInput = started;
  let bytesIn = 0;
  let bytesOut = 0;
  let ended = false;
  const actor: Actor = session.actor;
  openByTenant.set(container.tenantId, (openByTenant.get(container.tenantId) ?? 0) + 1);
  void exec.resize(session.cols, session.rows);

  const end = (code: number, reason: string) => {
    if (ended) return;
    ended = true;
    clearInterval(ticker);
    clearInterval(recheck);
    openByTenant.set(container.tenantId, Math.max(0, (openByTenant.get(container.tenantId) ?? 1) - 1));
    exec.stream.destroy();
    // A close reason is at most 123 bytes.
    if (ws.readyState === ws.OPEN) ws.close(code, Buffer.from(reason).subarray(0, 120).toString());
    void recordConsoleClose(actor, container, { durationMs: Date.now() - started, bytesIn, bytesOut, code, reason });
  };

  // Each way: at most `bytesPerSecond`, a second's worth at once (so a command's usual output
  // is not slowed at all); past it the relay stops reading until the debt is paid.
  const budget = () => (bytesPerSecond > 0 ? new TokenBucket(bytesPerSecond, bytesPerSecond) : null);
  const outBudget = budget();
  const inBudget = budget();
  const output = pausable(
    () => exec.stream.pause(),
    () => {
      if (!ended) exec.stream.resume();
    },
  );
  const input = pausable(
    () => ws.pause(),
    () => {
      if (!ended) ws.resume();
    },
  );
  const holdFor = (side: ReturnType<typeof pausable>, ms: number) => {
    if (ms <= 0 || side.holds("rate")) return;
    side.hold("rate");
    setTimeout(() => side.release("rate"), ms);
  };

  exec.stream.on("data", (chunk: Buffer) => {
    bytesOut += chunk.length;
    ws.send(chunk, { binary: true });
    if (ws.bufferedAmount > HIGH_WATER && !output.holds("browser")) {
      output.hold("browser");
      const drain = setInterval(() => {
        if (ended || ws.bufferedAmount < LOW_WATER) {
          clearInterval(drain);
          output.release("browser");
        }
      }, 20);
    }
    if (outBudget) holdFor(output, outBudget.spend(chunk.length));
  });
  // The shell ended: because the container stopped (4003), or by itself (1000).
  // A stop from outside Berth kills the shell a moment before the engine reports the container
  // stopped: ask again for a second before calling it the shell's own exit.
  const shellEnded = async () => {
    if (ended) return;
    for (let attempt = 0; attempt < 5 && !ended; attempt++) {
      const lost = await consoleAccessNow(actor, container.id).catch(() => null);
      if (lost?.kind === "stopped") return end(CONSOLE_CLOSE.containerStopped, lost.reason);
      await new Promise((r) => setTimeout(r, 250));
    }
    end(CONSOLE_CLOSE.shellExited, "The shell exited.");
  };
  let ending = false;
  const onStreamEnd = () => {
    if (ending) return;
    ending = true;
    void shellEnded();
  };
  exec.stream.on("end", onStreamEnd);
  exec.stream.on("close", onStreamEnd);
  exec.stream.on("error", onStreamEnd);

  ws.on("message", (data: RawData, isBinary: boolean) => {
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (isBinary) {
      bytesIn += bytes.length;
      lastInput = Date.now();
      // A shell that does not read (a paste into `sleep`) must not make the portal buffer it:
      // stop reading the browser until the engine's connection drains.
      if (!exec.stream.write(bytes) && !input.holds("shell")) {
        input.hold("shell");
        exec.stream.once("drain", () => input.release("shell"));
      }
      if (inBudget) holdFor(input, inBudget.spend(bytes.length));
      return;
    }
    // The one text message: {"type":"resize","cols":N,"rows":N}; anything else is ignored.
    try {
      const message = JSON.parse(bytes.toString("utf8")) as { type?: unknown; cols?: unknown; rows?: unknown };
      const { cols, rows } = message;
      if (message.type === "resize" && Number.isInteger(cols) && Number.isInteger(rows)) {
        void exec.resize(Math.min(Math.max(cols as number, 20), 500), Math.min(Math.max(rows as number, 5), 200));
      }
    } catch {
      // Not JSON: ignored like any unknown message.
    }
  });
  ws.on("close", () => end(CONSOLE_CLOSE.shellExited, "The browser closed the console."));
  ws.on("error", (error: Error & { code?: string }) =>
    error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH"
      ? end(1009, `A message was larger than ${MAX_MESSAGE / 1024 / 1024} MiB (a paste that large is refused).`)
      : end(CONSOLE_CLOSE.shellExited, "The connection failed."),
  );

  const ticker = setInterval(
    () => {
      const now = Date.now();
      if (now - lastInput >= idleMs) end(CONSOLE_CLOSE.idle, `No input for ${Math.round(idleMs / 60_000)} minutes.`);
      else if (now - started >= maxMs) end(CONSOLE_CLOSE.maxLength, `A console lasts at most ${Math.round(maxMs / 3_600_000)} hours.`);
    },
    Math.min(1000, idleMs),
  );
  const recheck = setInterval(() => {
    void consoleAccessNow(actor, container.id).then(
      (lost) => {
        if (lost) end(lost.kind === "stopped" ? CONSOLE_CLOSE.containerStopped : CONSOLE_CLOSE.accessEnded, lost.reason);
      },
      () => undefined,
    );
  }, recheckMs);
}

/** Open consoles per tenant in this process (for tests and the health page). */
export function openConsoles(): ReadonlyMap<string, number> {
  return openByTenant;
}

const KEY = Symbol.for("berth.consoleUpgrade");

/** Hands the console's upgrade handler to scripts/portal-server.cjs (called from instrumentation.ts). */
export function registerConsoleUpgrade(): void {
  (globalThis as Record<symbol, unknown>)[KEY] = handleConsoleUpgrade;
}
