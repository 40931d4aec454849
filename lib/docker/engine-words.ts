/**
 * The container engine's (and the registries') common failures, said as sentences a person
 * can act on. The raw text names resolver addresses, sockets and Go error chains that mean
 * nothing to the person and say too much about the server; it stays in the server log.
 * Pure (no server-only import) so pages and tests can use it too.
 */

/** The registry host a pull error names: from its URL, its DNS lookup or its dial. */
export function registryHost(raw: string): string | undefined {
  return (
    /https?:\/\/([^/"\s]+)/.exec(raw)?.[1] ??
    /lookup ([^\s:]+)/.exec(raw)?.[1] ??
    /dial tcp ([^\s:]+):\d+/.exec(raw)?.[1] ??
    /pull access denied for ([^\s,]+)/.exec(raw)?.[1]?.split("/")[0]
  );
}

const named = (host: string | undefined) => (host ? `The registry ${host}` : "The registry");

/**
 * The sentence for an engine failure, or undefined when it is not one Berth knows (the caller
 * then says what failed without the engine's words). Order matters: a DNS failure also says
 * "dial tcp", a missing private image also says "denied".
 */
export function engineSentence(raw: string): string | undefined {
  const host = registryHost(raw);
  if (/Cannot connect to the Docker daemon|ECONNREFUSED|connect ENOENT|EACCES|socket hang up|ECONNRESET|EPIPE/i.test(raw))
    return "The engine is not answering.";
  if (/no such host|server misbehaving|Temporary failure in name resolution/i.test(raw))
    return `${named(host)} could not be reached (its name does not resolve from this server).`;
  if (/connection refused/i.test(raw)) return `${named(host)} could not be reached (it refused the connection).`;
  if (/network is unreachable|no route to host/i.test(raw)) return `${named(host)} could not be reached (no network route to it from this server).`;
  if (/i\/o timeout|TLS handshake timeout|deadline exceeded|Client\.Timeout/i.test(raw)) return `${named(host)} did not answer in time.`;
  if (/x509|certificate/i.test(raw)) return `${named(host)} presented a certificate this server does not trust.`;
  if (/toomanyrequests|rate limit/i.test(raw)) return `${named(host)} is limiting pulls from this server; try again later.`;
  if (/invalid reference format/i.test(raw)) return "That is not a valid image reference.";
  if (/repository does not exist|may require .docker login/i.test(raw))
    return "The image was not found in the registry (or it is private, which needs a sign-in Berth does not have).";
  if (/manifest unknown|manifest for .* not found|not found/i.test(raw)) return "The image was not found in the registry: check its name and tag.";
  if (/unauthorized|authentication required|denied/i.test(raw)) return `${named(host)} asks for a sign-in Berth does not have.`;
  if (/no space left on device/i.test(raw)) return "The server has run out of disk space.";
  if (/port is already allocated|address already in use/i.test(raw)) return "A host port it needs is already in use on this server.";
  if (/executable file not found|exec format error/i.test(raw))
    return "The image cannot run that command (it is not in the image, or not for this server's CPU).";
  if (/is not running/i.test(raw)) return "The container is not running.";
  if (/is restarting/i.test(raw)) return "The container is restarting; wait until it runs.";
  if (/is paused/i.test(raw)) return "The container is paused.";
  if (/marked for removal|removal of container .* in progress|is dead/i.test(raw)) return "The container is being removed.";
  return undefined;
}

/** engineSentence, or a sentence that points at the log when the failure is not a known one. */
export function engineFailure(raw: string): string {
  return engineSentence(raw) ?? "The engine reported an error (its own words are in the server log).";
}
