import { buildServiceSpec } from "../build-service-spec";
import type { LaunchRequest } from "../launch-request";
import type { DockerServiceSpec } from "../service-spec";
import type { TenantContext } from "../tenant-context";
import type { ExpectedScope } from "../expected-scope";
import { parsed, type Json } from "./built";
import serviceFixture from "./service-inspect.json";
import taskFixture from "./task-container-inspect.json";
import { sampleContext, sampleRequest, sampleScope } from "./sample";

export const SAMPLE_NODE = "abcdefghijklmnopqrstuvwxy";

/** The sample request without its raw port, which Swarm refuses. */
export const swarmRequest = (): LaunchRequest => parsed({ ...sampleRequest, ports: [{ container: 8080, protocol: "tcp", expose: "https" }] });

export function builtSpec(req: LaunchRequest = swarmRequest(), ctx: TenantContext = sampleContext({ hostPorts: [] })): DockerServiceSpec {
  const result = buildServiceSpec(req, ctx, { volumeNodeId: SAMPLE_NODE });
  if (!result.ok) throw new Error(`sample spec refused: ${JSON.stringify(result.violations)}`);
  return result.spec;
}

/** The tenant of the real Swarm fixtures (service-inspect.json, task-container-inspect.json). */
export function swarmScope(overrides: Partial<ExpectedScope> = {}): ExpectedScope {
  return sampleScope({
    allowedImageRefs: ["berth/shell:1"],
    ownedVolumeNames: [],
    allowedCapabilities: [],
    requireHealthcheck: false,
    networkIds: ["yrfjfw5vsoaup9jgbejwyb2z6"],
    ...overrides,
  });
}
export const serviceInspect = (): Json => JSON.parse(JSON.stringify(serviceFixture)) as Json;
export const taskInspect = (): Json => JSON.parse(JSON.stringify(taskFixture)) as Json;
