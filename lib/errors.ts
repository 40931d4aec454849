/**
 * The one error type the service layer throws. Route handlers map it to the API's error
 * shape (lib/api/respond.ts) and Server Actions to form errors, so both doors report the
 * same thing.
 */
export type ErrorCode =
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "quota_exceeded"
  | "policy_violation"
  | "rate_limited"
  | "daemon_unavailable"
  | "internal";

export interface FieldError {
  path: string;
  message: string;
}

export const statusOf: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  quota_exceeded: 409,
  policy_violation: 422,
  rate_limited: 429,
  daemon_unavailable: 503,
  internal: 500,
};

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    /** Seconds until a rate-limited caller may try again. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

export const notFound = (what: string) => new ServiceError("not_found", `${what} was not found.`);
export const forbidden = (message = "Your role does not allow this.") => new ServiceError("forbidden", message);
