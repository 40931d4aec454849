import "server-only";
import { randomUUID } from "node:crypto";
import { ServiceError, statusOf } from "@/lib/errors";

export function json(data: unknown, status = 200, headers?: HeadersInit): Response {
  return Response.json(data, { status, headers });
}

/** The contract's error shape for any thrown value; never a stack trace. */
export function errorResponse(error: unknown): Response {
  if (error instanceof ServiceError) {
    const headers: Record<string, string> = {};
    if (error.retryAfter) headers["Retry-After"] = String(error.retryAfter);
    return json(
      { error: { code: error.code, message: error.message, ...(error.fields?.length ? { fields: error.fields } : {}) } },
      statusOf[error.code],
      headers,
    );
  }
  const requestId = randomUUID();
  console.error(`[api] internal error ${requestId}:`, error instanceof Error ? error.stack : error);
  return json({ error: { code: "internal", message: "Something went wrong on our side. Quote the request id when you report it.", requestId } }, 500);
}

const MAX_BODY_BYTES = 1 << 20;

const tooLarge = () => new ServiceError("validation_failed", "The body is larger than 1 MiB.");

/**
 * The request body as JSON, or `validation_failed` saying why it is not. The media type
 * must be exactly application/json: "text/plain; application/json" is a CORS-simple type a
 * cross-site page can send without a preflight. The body is read with a byte cap, so an
 * unauthenticated caller cannot make the server buffer an arbitrary amount.
 */
export async function readJson(req: Request): Promise<unknown> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    throw new ServiceError("validation_failed", "Send the body as JSON with 'Content-Type: application/json'.");
  }
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) throw tooLarge();
      chunks.push(chunk);
    }
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new ServiceError("validation_failed", "The body is not valid JSON.");
  }
}

/**
 * For the few routes that accept the session cookie on a write: the browser must say the
 * request comes from the portal's own pages. Tenant apps are published on the same host
 * (another port is the same *site*, so SameSite=Lax still sends the cookie), which makes an
 * origin check necessary, not just a content-type check.
 */
export function assertSameOrigin(req: Request): void {
  const fetchSite = req.headers.get("sec-fetch-site");
  if (fetchSite !== null) {
    if (fetchSite === "same-origin") return;
  } else {
    const origin = req.headers.get("origin");
    const host = req.headers.get("host");
    if (origin && host && new URL(origin).host === host) return;
  }
  throw new ServiceError("forbidden", "This request did not come from Berth's own pages.");
}

/**
 * A list endpoint's query parameters as an object for its zod schema (which refuses unknown
 * ones). A parameter given twice is refused rather than one of its values silently winning.
 */
export function queryOf(req: Request): Record<string, string> {
  const params = new URL(req.url).searchParams;
  const query: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in query)
      throw new ServiceError("validation_failed", `The query parameter ${key} is given more than once.`, [
        { path: key, message: "given more than once" },
      ]);
    query[key] = value;
  }
  return query;
}
