/**
 * A small client for the portal under test: Bearer tokens for the API, and a real
 * next-auth sign-in for the pages, so every request goes through the same authentication
 * a user's would.
 */

export const baseUrl = (process.env.BENCH_BASE_URL ?? "http://127.0.0.1:3900").replace(/\/$/, "");

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

export interface Api {
  token: string;
  get<T>(path: string): Promise<T>;
  send<T>(method: "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T>;
  /** The raw response, for callers that time or stream it themselves. */
  raw(method: string, path: string, body?: unknown): Promise<Response>;
}

export function api(token: string): Api {
  const send = (method: string, path: string, body?: unknown) =>
    fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  // A kept-alive connection the server closed while idle (Node closes them after 5 s) fails
  // the next request before it is sent; a GET is safe to send again.
  const raw = (method: string, path: string, body?: unknown) =>
    send(method, path, body).catch((error: unknown) => {
      if (method !== "GET" || !(error instanceof TypeError)) throw error;
      return send(method, path, body);
    });
  const parse = async <T>(res: Response, what: string): Promise<T> => {
    const text = await res.text();
    if (!res.ok) throw new ApiError(res.status, text, what);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    token,
    raw,
    get: async (path) => parse(await raw("GET", path), `GET ${path}`),
    send: async (method, path, body) => parse(await raw(method, path, body), `${method} ${path}`),
  };
}

/** A bearer token from the contract's own endpoint (POST /api/v1/auth/token). */
export async function tokenFor(email: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, name: "bench" }),
  });
  const text = await res.text();
  if (res.status !== 201) throw new ApiError(res.status, text, `token for ${email}`);
  return (JSON.parse(text) as { token: string }).token;
}

function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]);
}

/**
 * A browser session cookie via next-auth's credentials flow (csrf token, then the
 * callback), exactly what the sign-in form posts.
 */
export async function sessionCookie(email: string, password: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = cookiesOf(csrf);
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; ") },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: `${baseUrl}/dashboard` }),
  });
  const session = cookiesOf(res).find((c) => /^(__Secure-)?authjs\.session-token=/.test(c));
  if (!session) throw new Error(`sign-in as ${email} failed: HTTP ${res.status} ${res.headers.get("location") ?? ""}`);
  return session;
}

/** GETs a page with a session cookie and reads it to the end (the time a browser waits for the HTML). */
export async function fetchPage(path: string, cookie: string): Promise<{ status: number; html: string }> {
  const res = await fetch(baseUrl + path, { headers: { cookie }, redirect: "manual" });
  return { status: res.status, html: await res.text() };
}
