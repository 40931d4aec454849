import type { ControlId } from "./violation";
import { goFoldKey, type ControlOf } from "./go-json";

/*
 * Which control a Docker field belongs to, for fields Berth sets and for fields it never
 * sets but that an attacker (or a bug) would reach for. Anything not listed is still
 * refused when set; it is just reported as "INPUT" rather than under a control.
 */
const CONTROL_BY_FIELD: Readonly<Record<string, ControlId>> = {
  // Config
  User: "U1",
  Image: "O2",
  name: "O3",
  platform: "O2",
  Labels: "O1",
  Healthcheck: "R8",
  ExposedPorts: "N2",
  Volumes: "H1",
  NetworkingConfig: "N1",
  NetworkDisabled: "N1",
  // HostConfig: identity and privileges
  GroupAdd: "U2",
  CapAdd: "U3",
  CapDrop: "U3",
  Capabilities: "U3",
  SecurityOpt: "U6",
  MaskedPaths: "U6",
  ReadonlyPaths: "U6",
  Privileged: "U5",
  Sysctls: "U7",
  // HostConfig: host isolation
  Binds: "H1",
  VolumesFrom: "H1",
  Mounts: "H1",
  VolumeDriver: "H2",
  NetworkMode: "N1",
  PidMode: "H5",
  IpcMode: "H5",
  UTSMode: "H5",
  UsernsMode: "H5",
  CgroupParent: "H5",
  Cgroup: "H5",
  CgroupnsMode: "H5",
  Devices: "H6",
  DeviceRequests: "H6",
  DeviceCgroupRules: "H6",
  Runtime: "H8",
  Isolation: "H8",
  // HostConfig: resources
  Memory: "R1",
  MemorySwap: "R1",
  MemoryReservation: "R1",
  MemorySwappiness: "R1",
  KernelMemory: "R1",
  KernelMemoryTCP: "R1",
  OomKillDisable: "R1",
  OomScoreAdj: "R1",
  NanoCpus: "R2",
  CpuShares: "R2",
  CpuPeriod: "R2",
  CpuQuota: "R2",
  CpuRealtimePeriod: "R2",
  CpuRealtimeRuntime: "R2",
  CpusetCpus: "R2",
  CpusetMems: "R2",
  CpuCount: "R2",
  CpuPercent: "R2",
  Cpuset: "R2",
  BlkioWeight: "R2",
  PidsLimit: "R3",
  Init: "R3",
  Ulimits: "R4",
  LogConfig: "R5",
  RestartPolicy: "R6",
  AutoRemove: "R6",
  ReadonlyRootfs: "R7",
  Tmpfs: "R7",
  StorageOpt: "R7",
  ShmSize: "R7",
  // HostConfig: network and exposure
  PortBindings: "N2",
  PublishAllPorts: "N2",
  Links: "N1",
  ExtraHosts: "N1",
  Dns: "N1",
  DnsOptions: "N1",
  DnsSearch: "N1",
  MacAddress: "N1",
};

const CONTROL_BY_FOLDED = new Map(Object.entries(CONTROL_BY_FIELD).map(([k, c]) => [goFoldKey(k), c] as const));

export const controlOfField: ControlOf = (folded) => CONTROL_BY_FOLDED.get(folded) ?? "INPUT";

/** HostConfig fields where an explicit empty value differs from leaving the field out. */
export const PRESENCE_MATTERS: ReadonlySet<string> = new Set(["maskedpaths", "readonlypaths"]);

/**
 * HostConfig fields that must stay at Docker's zero value on a tenant container; the
 * verifier checks them on inspect output, which lists every field.
 */
export const HOST_CONFIG_MUST_BE_UNSET = [
  "Binds",
  "VolumesFrom",
  "VolumeDriver",
  "GroupAdd",
  "UTSMode",
  "UsernsMode",
  "CgroupParent",
  "Cgroup",
  "Devices",
  "DeviceRequests",
  "DeviceCgroupRules",
  "Links",
  "OomKillDisable",
  "MemoryReservation",
  "KernelMemory",
  "KernelMemoryTCP",
  "CpuRealtimePeriod",
  "CpuRealtimeRuntime",
  "StorageOpt",
  "Capabilities",
  "Isolation",
] as const;
