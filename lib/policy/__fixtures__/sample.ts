import type { ExpectedScope } from "../expected-scope";
import type { LaunchRequestInput } from "../launch-request";
import type { TenantContext } from "../tenant-context";

/** A tenant "acme" whose container "web" runs the catalog image used for the real inspect fixture. */
export const sampleRequest: LaunchRequestInput = {
  name: "web",
  imageId: "img1",
  command: ["/bin/sleep", "600"],
  env: { GREETING: "hi" },
  ports: [{ container: 8080, protocol: "tcp", expose: "port" }],
  volumes: [{ volume: "data", path: "/data", readOnly: false }],
  memoryMb: 128,
  cpuMillis: 500,
  readOnlyRootfs: true,
  restart: "on-failure",
};

export function sampleContext(overrides: Partial<TenantContext> = {}): TenantContext {
  return {
    tenantId: "t1",
    tenantSlug: "acme",
    berthId: "c1",
    containerName: "web",
    uid: 10001,
    gid: 10001,
    networkName: "berth-acme",
    allowedCapabilities: ["NET_BIND_SERVICE"],
    maxMemoryMb: 1024,
    maxCpuMillis: 2000,
    allowWritableRootfs: false,
    image: {
      id: "img1",
      ref: "berth-policy-helper:test",
      healthcheck: { test: ["CMD", "/bin/sleep", "0"], intervalSeconds: 30, timeoutSeconds: 5, retries: 3 },
    },
    hostIp: "127.0.0.1",
    hostPorts: [{ container: 8080, protocol: "tcp", hostPort: 20001 }],
    volumes: { data: "berth-acme-data" },
    ...overrides,
  };
}

export function sampleScope(overrides: Partial<ExpectedScope> = {}): ExpectedScope {
  return {
    tenantId: "t1",
    uid: 10001,
    gid: 10001,
    networkName: "berth-acme",
    allowedCapabilities: ["NET_BIND_SERVICE"],
    allowedImageRefs: ["berth-policy-helper:test"],
    ownedVolumeNames: ["berth-acme-data"],
    hostIp: "127.0.0.1",
    portRange: { from: 20000, to: 29999 },
    allowWritableRootfs: false,
    allowedRuntimes: [],
    berthId: "c1",
    maxMemoryMb: 1024,
    maxCpuMillis: 2000,
    requireHealthcheck: true,
    ...overrides,
  };
}
