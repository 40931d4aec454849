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
  return json(
    { error: { code: "internal", message: "Something went wrong on our side. Quote the request id when you report it.", requestId } },
    500,
  );
}

const MAX_BODY_BYTES = 1 << 20;

/** The request body as JSON, or `validation_failed` saying why it is not. */
export async function readJson(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().includes("application/json")) {
    throw new ServiceError("validation_failed", "Send the body as JSON with 'Content-Type: application/json'.");
  }
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) throw new ServiceError("validation_failed", "The body is larger than 1 MiB.");
  try {
    return JSON.parse(text);
  } catch {
    throw new ServiceError("validation_failed", "The body is not valid JSON.");
  }
}
