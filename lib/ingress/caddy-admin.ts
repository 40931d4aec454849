import "server-only";
import http from "node:http";

/** A failed call to Caddy's admin API; `status` is Caddy's HTTP status when it answered. */
export class CaddyAdminError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "CaddyAdminError";
  }
}

export interface CaddyAdmin {
  /** Caddy answers on the socket (and accepts our Host). */
  reachable(): Promise<boolean>;
  /** The whole live config (null when Caddy runs without one). */
  getConfig(): Promise<unknown>;
  /** Replaces the whole config; Caddy applies it atomically or keeps the old one and says why. */
  load(config: object): Promise<void>;
  /** Removes the config object tagged `"@id": id`; false when there is none. */
  deleteId(id: string): Promise<boolean>;
}

// The config of a busy edge is a few hundred KiB; a larger answer means something is wrong,
// and the edge is internet-facing, so its answers are not read without bound.
const MAX_BODY = 16 * 1024 * 1024;

/**
 * Caddy's JSON admin API over its unix socket (never a TCP port: anything on the host, or in
 * a container, could reach that). Caddy's admin config must have `origins: ["localhost"]`:
 * without it every call is refused with "host not allowed", whatever the Host header says.
 */
export function caddyAdmin(socketPath: string, options: { timeoutMs?: number } = {}): CaddyAdmin {
  const timeoutMs = options.timeoutMs ?? 3000;

  function call(method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
    const what = `Caddy's admin API (${socketPath}): ${method} ${path}`;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const fail = (error: Error) =>
        settle(() =>
          reject(
            error instanceof CaddyAdminError ? error : new CaddyAdminError(`${what} failed: ${connectionProblem(error as NodeJS.ErrnoException)}`),
          ),
        );
      const abort = (error: CaddyAdminError) => {
        fail(error);
        request.destroy();
      };
      const headers: http.OutgoingHttpHeaders = { Host: "localhost" };
      if (body !== undefined) {
        headers["Content-Type"] = "application/json";
        headers["Content-Length"] = Buffer.byteLength(body);
      }
      const request = http.request({ socketPath, method, path, headers, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) abort(new CaddyAdminError(`${what} answered with more than ${MAX_BODY} bytes`));
          else chunks.push(chunk);
        });
        response.on("end", () => settle(() => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") })));
        response.on("error", fail);
      });
      // One deadline for the whole exchange: a socket timeout alone would let a slow trickle run on.
      const timer = setTimeout(() => abort(new CaddyAdminError(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
      request.on("error", fail);
      request.end(body);
    });
  }

  async function expectOk(method: string, path: string, body?: string): Promise<string> {
    const { status, text } = await call(method, path, body);
    if (status < 200 || status > 299)
      throw new CaddyAdminError(`Caddy's admin API (${socketPath}): ${method} ${path} answered ${status}: ${caddyWords(text)}`, status);
    return text;
  }

  return {
    async reachable() {
      // The admin section is tiny, unlike the whole config.
      return call("GET", "/config/admin").then(
        ({ status }) => status === 200,
        () => false,
      );
    },
    async getConfig() {
      const text = await expectOk("GET", "/config/");
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new CaddyAdminError(`Caddy's admin API (${socketPath}): GET /config/ answered with something that is not JSON`);
      }
    },
    async load(config) {
      await expectOk("POST", "/load", JSON.stringify(config));
    },
    async deleteId(id) {
      const path = `/id/${encodeURIComponent(id)}`;
      const { status, text } = await call("DELETE", path);
      if (status === 404) return false;
      if (status < 200 || status > 299)
        throw new CaddyAdminError(`Caddy's admin API (${socketPath}): DELETE ${path} answered ${status}: ${caddyWords(text)}`, status);
      return true;
    },
  };
}

/** Caddy answers errors as {"error": "..."}; anything else is shown as it came, shortened. */
function caddyWords(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed?.error === "string") return parsed.error;
  } catch {
    // not JSON: fall through
  }
  return text.trim().slice(0, 500) || "(no body)";
}

function connectionProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
      return "the socket does not exist (is the edge running?)";
    case "ECONNREFUSED":
      return "nothing is listening on the socket (the edge is stopped or starting)";
    case "EACCES":
      return "permission denied on the socket (Berth must run as the edge's user or as root)";
    default:
      return error.code ? `${error.code}: ${error.message}` : error.message;
  }
}
