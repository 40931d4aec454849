import "server-only";
import { ServiceError } from "@/lib/errors";
import { engineFailure } from "@/lib/docker/engine-words";

interface DockerishError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  reason?: string;
  message?: string;
}

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOENT", "EACCES", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);

/** The daemon's own words for an error, without dockerode's "(HTTP code 409) …" prefix. */
export function daemonMessage(error: unknown): string {
  const e = error as DockerishError;
  // On streamed calls dockerode leaves `json` null and `reason` generic ("server error"):
  // the daemon's words are then only in `message`, after an "(HTTP code …) … -" prefix.
  return (e?.json?.message ?? e?.message ?? e?.reason ?? String(error)).replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, "").trim();
}

export function isUnreachable(error: unknown): boolean {
  const code = (error as DockerishError)?.code;
  return typeof code === "string" && UNREACHABLE.has(code);
}

export function isNotFound(error: unknown): boolean {
  return (error as DockerishError)?.statusCode === 404;
}

export function isStatus(error: unknown, status: number): boolean {
  return (error as DockerishError)?.statusCode === status;
}

export const daemonUnavailable = () =>
  new ServiceError("daemon_unavailable", "The container engine cannot be reached right now; nothing was changed. Try again shortly.");

/**
 * The engine's words when a container vanished or changed state under a request (removed by
 * someone else, stopped, being removed). Some engine versions and some endpoints answer
 * these with a 500 rather than 404/409; they are a race with the caller, not a server fault.
 */
const GONE = /no such container/i;
const WRONG_STATE = /is not running|is restarting|is paused|is dead|marked for removal|removal of container .* in progress/i;

/**
 * Maps a dockerode failure to the error a person sees: an unreachable engine is
 * `daemon_unavailable`; a vanished object is `not_found` and a wrong state `conflict`
 * (whatever status the engine used for them); anything else says what failed in a sentence
 * (engine-words.ts). The engine's own text goes to the server log only: it names sockets,
 * resolvers and Go error chains, which help an operator and mislead everyone else.
 */
export function toServiceError(error: unknown, doing: string): ServiceError {
  if (error instanceof ServiceError) return error;
  if (isUnreachable(error)) return daemonUnavailable();
  const words = daemonMessage(error);
  if (isNotFound(error) || GONE.test(words))
    return new ServiceError("not_found", `${doing}: not found on the engine (it may have just been removed).`);
  console.error(`[engine] ${doing}: ${words}`);
  if (isStatus(error, 409) || WRONG_STATE.test(words)) return new ServiceError("conflict", `${doing}: ${engineFailure(words)}`);
  return new ServiceError("internal", `${doing} failed. ${engineFailure(words)}`);
}
