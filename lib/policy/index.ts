export { CONTROL_IDS, formatViolation, type ControlId, type Violation } from "./violation";
export { launchRequestSchema, parseLaunchRequest, type LaunchRequest, type LaunchRequestInput, type ParseResult } from "./launch-request";
export {
  DEFAULT_LIMITS,
  type Capability,
  type ContainerLimits,
  type HostPortAllocation,
  type ImageHealthcheck,
  type TenantContext,
} from "./tenant-context";
export type { DockerCreateOptions, DockerExecOptions, DockerHostConfig, DockerMount } from "./create-options";
export { buildCreateOptions, checkContainerMaxima, containerDockerName, MIN_TENANT_ID, type BuildResult } from "./build-create-options";
export { CHECK_LIMITS, type ExpectedScope } from "./expected-scope";
export { assertCreateOptions } from "./assert-create-options";
export { verifyInspect } from "./verify-inspect";
export { LABEL_ALLOWLIST } from "./check-exposure";
export { assertExecOptions, buildExecOptions, verifyExecInspect } from "./exec-options";
export {
  buildHelperOptions,
  verifyHelperInspect,
  HELPER_LIMITS,
  HELPER_VOLUME_PATH,
  type HelperContext,
  type HelperCreateOptions,
} from "./helper-options";
export type { DockerServiceSpec, DockerContainerSpec, DockerServiceMount } from "./service-spec";
export { ELIGIBLE_CONSTRAINT } from "./service-spec";
export { buildServiceSpec, NODE_ID_PATTERN, type ServiceBuildResult, type SwarmPlacement } from "./build-service-spec";
export { assertServiceSpec, type SwarmScope } from "./assert-service-spec";
export { redeploySpec, serviceSpecEnv, withForceAfter } from "./redeploy-spec";
export { verifyTaskContainer, parseNoNewPrivs, type NoNewPrivsProbe } from "./verify-task-container";
