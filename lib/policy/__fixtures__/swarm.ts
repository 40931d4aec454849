import { buildServiceSpec } from "../build-service-spec";
import type { LaunchRequest } from "../launch-request";
import type { DockerServiceSpec } from "../service-spec";
import type { TenantContext } from "../tenant-context";
import { parsed } from "./built";
import { sampleContext, sampleRequest } from "./sample";

export const SAMPLE_NODE = "abcdefghijklmnopqrstuvwxy";

/** The sample request without its raw port, which Swarm refuses. */
export const swarmRequest = (): LaunchRequest => parsed({ ...sampleRequest, ports: [{ container: 8080, protocol: "tcp", expose: "https" }] });

export function builtSpec(req: LaunchRequest = swarmRequest(), ctx: TenantContext = sampleContext({ hostPorts: [] })): DockerServiceSpec {
  const result = buildServiceSpec(req, ctx, { volumeNodeId: SAMPLE_NODE });
  if (!result.ok) throw new Error(`sample spec refused: ${JSON.stringify(result.violations)}`);
  return result.spec;
}
