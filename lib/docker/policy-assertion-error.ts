import "server-only";
import { ServiceError } from "@/lib/errors";
import { formatViolation, type Violation } from "@/lib/policy";

/** Berth refused to send something to the engine (the assertion or the launch's verification failed). */
export class PolicyAssertionError extends ServiceError {
  constructor(readonly violations: Violation[]) {
    super(
      "policy_violation",
      `Berth refused to send this container to the engine: ${violations.map(formatViolation).join("; ")}`,
      violations.map((v) => ({ path: v.path, message: `${v.message} (${v.control})` })),
    );
  }
}
