import { ServiceError } from "@/lib/errors";

/** The ServiceError a call is refused with; fails the test if it resolves or throws anything else. */
export async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}
