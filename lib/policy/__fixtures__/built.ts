import { buildCreateOptions } from "../build-create-options";
import type { DockerCreateOptions } from "../create-options";
import { parseLaunchRequest, type LaunchRequest, type LaunchRequestInput } from "../launch-request";
import type { TenantContext } from "../tenant-context";
import { sampleContext, sampleRequest } from "./sample";
import inspectFixture from "./inspect-hardened.json";

export function parsed(input: LaunchRequestInput | unknown = sampleRequest): LaunchRequest {
  const result = parseLaunchRequest(input);
  if (!result.ok) throw new Error(`sample request rejected: ${JSON.stringify(result.violations)}`);
  return result.value;
}

export function built(req: LaunchRequest = parsed(), ctx: TenantContext = sampleContext()): DockerCreateOptions {
  const result = buildCreateOptions(req, ctx);
  if (!result.ok) throw new Error(`sample build refused: ${JSON.stringify(result.violations)}`);
  return result.options;
}

export type Json = { [key: string]: unknown };

/** A mutable JSON copy of the hardened create body, for attacks in tests. */
export const hardenedCreate = (): Json => JSON.parse(JSON.stringify(built())) as Json;
/** `docker inspect` of a container created from the constructor's output on Engine 20.10. */
export const hardenedInspect = (): Json => JSON.parse(JSON.stringify(inspectFixture)) as Json;

/** Walks into nested objects/arrays of a JSON value so a test can change one field. */
export function at(value: unknown, ...keys: (string | number)[]): Json {
  let current: unknown = value;
  for (const key of keys) {
    if (typeof current !== "object" || current === null) throw new Error(`no object at ${String(key)}`);
    current = (current as Record<string | number, unknown>)[key];
  }
  if (typeof current !== "object" || current === null) throw new Error(`not an object at ${keys.join(".")}`);
  return current as Json;
}
