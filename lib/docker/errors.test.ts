import { describe, expect, it } from "vitest";
import { ServiceError } from "@/lib/errors";
import { toServiceError } from "./errors";

/** The shape dockerode rejects with. */
const engineError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), { statusCode, json: { message } });

describe("toServiceError", () => {
  it.each([
    [404, "No such container: abc", "not_found"],
    [500, "No such container: abc", "not_found"],
    [409, "Container abc is not running", "conflict"],
    [500, "Cannot restart container abc: container is marked for removal and cannot be started", "conflict"],
    [500, "removal of container abc is already in progress", "conflict"],
    [500, "Container abc is restarting, wait until the container is running", "conflict"],
    [500, "Container abc is paused, unpause the container before stopping or killing", "conflict"],
    [500, "failed to create shim task: OCI runtime create failed", "internal"],
  ])("engine %i %j is %s", (status, message, code) => {
    const mapped = toServiceError(engineError(status, message), "Restarting the container");
    expect(mapped).toBeInstanceOf(ServiceError);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toMatch(/^Restarting the container/);
  });

  it("says what failed without the engine's own text (it goes to the server log)", () => {
    const mapped = toServiceError(
      engineError(500, "failed to create shim task: OCI runtime create failed: runc create failed"),
      "Starting the container",
    );
    expect(mapped.message).toBe("Starting the container failed. The engine reported an error (its own words are in the server log).");
    expect(toServiceError(engineError(409, "Container abc is not running"), "Stopping").message).toBe("Stopping: The container is not running.");
  });

  it("an unreachable engine is daemon_unavailable", () => {
    expect(toServiceError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), "x").code).toBe("daemon_unavailable");
  });
});
