import { describe, expect, it } from "vitest";
import { parseEngineConfig } from "@/lib/docker/engine-config";
import { reconcilerLeaseName } from "@/lib/reconciler/lease-name";

const NODE = "g1qhecaixkm500xxsruuwj2q5";
const swarm = (manager: string, extra: Record<string, string> = {}) =>
  parseEngineConfig({
    BERTH_ENGINE: "swarm",
    BERTH_SWARM_MANAGER: manager,
    BERTH_SWARM_NODES: JSON.stringify({ [NODE]: "unix:///tmp/s/node1/docker.sock" }),
    ...extra,
  });

describe("reconcilerLeaseName", () => {
  it("on one engine: named after DOCKER_HOST, or the local socket (unchanged)", () => {
    expect(reconcilerLeaseName({ kind: "docker" }, {})).toBe("reconciler:unix:///var/run/docker.sock");
    expect(reconcilerLeaseName({ kind: "docker" }, { DOCKER_HOST: "tcp://127.0.0.1:2375" })).toBe("reconciler:tcp://127.0.0.1:2375");
  });

  it("on Swarm: named after the manager, whatever DOCKER_HOST says", () => {
    const a = swarm("unix:///tmp/berth-swarm/node1/docker.sock");
    expect(reconcilerLeaseName(a, {})).toBe("reconciler:swarm:unix:///tmp/berth-swarm/node1/docker.sock");
    expect(reconcilerLeaseName(a, { DOCKER_HOST: "unix:///elsewhere.sock" })).toBe(reconcilerLeaseName(a, {}));
  });

  it("two Swarms get two leases; one Swarm's manager spelt two ways gets one", () => {
    const tls = { BERTH_SWARM_TLS_DIR: "/etc/berth/tls" };
    const one = reconcilerLeaseName(swarm("tcp://manager-a.example:2376", tls), {});
    expect(one).toBe("reconciler:swarm:tcp://manager-a.example:2376");
    expect(reconcilerLeaseName(swarm("tcp://manager-b.example:2376", tls), {})).not.toBe(one);
    expect(reconcilerLeaseName(swarm("tcp://Manager-A.example:2376/", tls), {})).toBe(one);
    expect(reconcilerLeaseName(swarm(JSON.stringify({ url: "tcp://manager-a.example:2376", ca: "/c", cert: "/d", key: "/k" })), {})).toBe(one);
  });

  it("a Swarm's lease never collides with a single engine's on the same socket", () => {
    const local = "unix:///var/run/docker.sock";
    expect(reconcilerLeaseName(swarm(local), {})).not.toBe(reconcilerLeaseName({ kind: "docker" }, { DOCKER_HOST: local }));
  });
});
