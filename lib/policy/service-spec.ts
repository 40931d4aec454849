/**
 * The body of Docker Engine API `POST /services/create` (and `/services/{id}/update`) as
 * Berth sends it, API 1.41 — control S1 of hardening-controls.md. Field names are exactly
 * the Docker API's, so the object is structurally assignable to dockerode's service spec
 * without importing dockerode here. Only fields Berth sets are declared.
 */
export interface DockerServiceMount {
  Type: "volume" | "tmpfs";
  /** A Docker volume name Berth created for this tenant (volume mounts only). */
  Source?: string;
  Target: string;
  ReadOnly: boolean;
  VolumeOptions?: { NoCopy: true };
  /** Service mounts cannot take tmpfs uid=/gid= on API 1.41: mode 1777 lets the tenant user write. */
  TmpfsOptions?: { SizeBytes: number; Mode: number };
}

export interface DockerServiceHealthcheck {
  Test: string[];
  Interval: number;
  Timeout: number;
  Retries: number;
}

export interface DockerContainerSpec {
  Image: string;
  Labels: Record<string, string>;
  /** Arguments to the image's entrypoint, like a container's Cmd; `Command` (the entrypoint) is never set. */
  Args?: string[];
  Env: string[];
  User: string;
  ReadOnly: boolean;
  Mounts: DockerServiceMount[];
  Init: true;
  Sysctls: Record<string, string>;
  CapabilityDrop: ["ALL"];
  CapabilityAdd: string[];
  Ulimits: { Name: string; Soft: number; Hard: number }[];
  Healthcheck?: DockerServiceHealthcheck;
}

export interface DockerTaskTemplate {
  ContainerSpec: DockerContainerSpec;
  Resources: { Limits: { NanoCPUs: number; MemoryBytes: number; Pids: number } };
  RestartPolicy: { Condition: "none" | "on-failure"; MaxAttempts: number };
  Placement: { Constraints: string[] };
  Networks: { Target: string; Aliases: string[] }[];
  LogDriver: { Name: "json-file"; Options: Record<string, string> };
  /** Bumped by a restart: Swarm replaces the task when it changes. */
  ForceUpdate?: number;
}

export interface DockerServiceSpec {
  Name: string;
  Labels: Record<string, string>;
  TaskTemplate: DockerTaskTemplate;
  /** A Berth container is a service with one task; 0 while it is stopped. */
  Mode: { Replicated: { Replicas: 0 | 1 } };
  /** dnsrr: this kernel has no IPVS, so a virtual IP never answers; no published ports (S2). */
  EndpointSpec: { Mode: "dnsrr" };
}

/** The constraint Berth's node posture check controls (node label berth.eligible). */
export const ELIGIBLE_CONSTRAINT = "node.labels.berth.eligible==true";
/** Swarm's limit on a service name (a DNS label). */
export const MAX_SERVICE_NAME = 63;
