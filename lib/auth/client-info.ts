import { randomUUID } from "node:crypto";
import type { ClientInfo } from "@/lib/auth/actor";

/**
 * Client address and agent from request headers. Next's server fills `x-forwarded-for`
 * with the socket address only when the client did not send one, so behind no proxy the
 * header is client-controlled: per-address throttling is a second line after the
 * per-account limit, and a production deployment should sit behind a proxy that
 * overwrites the header.
 */
export function clientInfoFrom(headers: Headers): ClientInfo {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const ip = forwarded || headers.get("x-real-ip") || undefined;
  return {
    ip: ip?.replace(/^::ffff:/, "").slice(0, 64),
    userAgent: headers.get("user-agent")?.slice(0, 300) ?? undefined,
    requestId: headers.get("x-request-id")?.slice(0, 64) || randomUUID(),
  };
}
