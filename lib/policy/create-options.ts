/**
 * The body (plus `name`) of Docker Engine API `POST /containers/create` as Berth sends it,
 * API 1.41. Field names are exactly the Docker API's, so the object is structurally
 * assignable to dockerode's `ContainerCreateOptions` without importing dockerode here.
 * Only fields Berth sets are declared: anything else is, by construction, never sent.
 */
export interface DockerMount {
  Type: "volume";
  /** A Docker volume name Berth created for this tenant — never a host path. */
  Source: string;
  Target: string;
  ReadOnly: boolean;
  /** Never DriverConfig (H2): only NoCopy. */
  VolumeOptions: { NoCopy: true };
}

export interface DockerUlimit {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface DockerPortBinding {
  HostIp: string;
  HostPort: string;
}

export interface DockerHostConfig {
  NetworkMode: string;
  IpcMode: "private";
  Privileged: false;
  PublishAllPorts: false;
  ReadonlyRootfs: boolean;
  CapDrop: ["ALL"];
  CapAdd: string[];
  SecurityOpt: string[];
  Sysctls: Record<string, string>;
  Mounts: DockerMount[];
  Tmpfs: Record<string, string>;
  PortBindings: Record<string, DockerPortBinding[]>;
  Memory: number;
  MemorySwap: number;
  NanoCpus: number;
  PidsLimit: number;
  Init: true;
  Ulimits: DockerUlimit[];
  LogConfig: { Type: "json-file"; Config: Record<string, string> };
  RestartPolicy: { Name: "no" | "on-failure"; MaximumRetryCount?: number };
  Runtime?: string;
}

export interface DockerHealthcheck {
  Test: string[];
  /** Durations are nanoseconds in the Docker API. */
  Interval: number;
  Timeout: number;
  Retries: number;
}

export interface DockerCreateOptions {
  name: string;
  Image: string;
  User: string;
  Cmd?: string[];
  Env: string[];
  Labels: Record<string, string>;
  ExposedPorts: Record<string, Record<string, never>>;
  Healthcheck?: DockerHealthcheck;
  HostConfig: DockerHostConfig;
  NetworkingConfig: { EndpointsConfig: Record<string, { Aliases: string[] }> };
}

/** Body of `POST /containers/{id}/exec` for a tenant console (O4). */
export interface DockerExecOptions {
  Cmd: string[];
  User: string;
  Privileged: false;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  Tty: boolean;
}
