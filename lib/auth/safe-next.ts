/**
 * Where to go after signing in: a path on this site, or "/". Only same-site paths, as the
 * browser will read them: an open redirect after sign-in is a phishing aid. The URL parser
 * is the browser's own (WHATWG), so what it strips or turns around (tabs and newlines,
 * backslashes, `/./` segments) cannot hide another host from this check.
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== "string" || !next.startsWith("/")) return "/";
  const base = new URL("http://berth.invalid");
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return "/";
  }
  if (url.origin !== base.origin) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil.example" parses as this site but its path, sent as a Location, is another host.
  return path.startsWith("//") ? "/" : path;
}
