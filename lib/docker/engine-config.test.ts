import { describe, expect, it } from "vitest";
import { parseEngineConfig } from "@/lib/docker/engine-config";

const ID1 = "g1qhecaixkm500xxsruuwj2q5";
const ID2 = "a1ig7n2qovaqqbblxg45l4a0x";
const swarm = (extra: Record<string, string>) => ({
  BERTH_ENGINE: "swarm",
  BERTH_SWARM_MANAGER: "unix:///tmp/s/node1/docker.sock",
  BERTH_SWARM_NODES: JSON.stringify({ [ID1]: "unix:///tmp/s/node1/docker.sock" }),
  ...extra,
});

describe("parseEngineConfig", () => {
  it("defaults to the single engine", () => {
    expect(parseEngineConfig({})).toEqual({ kind: "docker" });
    expect(parseEngineConfig({ BERTH_ENGINE: "docker" })).toEqual({ kind: "docker" });
    expect(parseEngineConfig({ BERTH_ENGINE: " " })).toEqual({ kind: "docker" });
  });

  it("refuses an unknown engine", () => {
    expect(() => parseEngineConfig({ BERTH_ENGINE: "kubernetes" })).toThrow(/BERTH_ENGINE must be "docker" or "swarm"/);
  });

  it("reads the local Swarm's env file: unix sockets for the manager and every node", () => {
    const config = parseEngineConfig(
      swarm({
        BERTH_SWARM_NODES: JSON.stringify({ [ID1]: "unix:///tmp/s/node1/docker.sock", [ID2]: "unix:///tmp/s/node2/docker.sock" }),
      }),
    );
    expect(config).toEqual({
      kind: "swarm",
      swarm: {
        manager: { url: "unix:///tmp/s/node1/docker.sock", kind: "unix", socketPath: "/tmp/s/node1/docker.sock" },
        nodes: {
          [ID1]: { url: "unix:///tmp/s/node1/docker.sock", kind: "unix", socketPath: "/tmp/s/node1/docker.sock" },
          [ID2]: { url: "unix:///tmp/s/node2/docker.sock", kind: "unix", socketPath: "/tmp/s/node2/docker.sock" },
        },
      },
    });
  });

  it("takes TLS files per endpoint, or from BERTH_SWARM_TLS_DIR", () => {
    const perNode = parseEngineConfig(
      swarm({
        BERTH_SWARM_MANAGER: JSON.stringify({ url: "tcp://mgr.example:2376", ca: "/c/ca.pem", cert: "/c/cert.pem", key: "/c/key.pem" }),
        BERTH_SWARM_NODES: JSON.stringify({ [ID1]: { url: "tcp://10.0.0.5:2376", ca: "/n/ca.pem", cert: "/n/c.pem", key: "/n/k.pem" } }),
      }),
    );
    if (perNode.kind !== "swarm") throw new Error("expected swarm");
    expect(perNode.swarm.manager).toEqual({
      url: "tcp://mgr.example:2376",
      kind: "tcp",
      host: "mgr.example",
      port: 2376,
      tls: { ca: "/c/ca.pem", cert: "/c/cert.pem", key: "/c/key.pem" },
    });
    expect(perNode.swarm.nodes[ID1]).toMatchObject({ host: "10.0.0.5", tls: { ca: "/n/ca.pem", cert: "/n/c.pem", key: "/n/k.pem" } });

    const shared = parseEngineConfig(swarm({ BERTH_SWARM_MANAGER: "tcp://mgr.example:2376", BERTH_SWARM_TLS_DIR: "/etc/berth/tls/" }));
    if (shared.kind !== "swarm") throw new Error("expected swarm");
    expect(shared.swarm.manager).toMatchObject({
      tls: { ca: "/etc/berth/tls/ca.pem", cert: "/etc/berth/tls/cert.pem", key: "/etc/berth/tls/key.pem" },
    });
  });

  it.each([
    [{ BERTH_SWARM_MANAGER: "" }, /BERTH_SWARM_MANAGER is required/],
    [{ BERTH_SWARM_NODES: "" }, /BERTH_SWARM_NODES is required/],
    [{ BERTH_SWARM_NODES: "{}" }, /names no node/],
    [{ BERTH_SWARM_NODES: "{nope" }, /not valid JSON/],
    [{ BERTH_SWARM_NODES: "[]" }, /must map node ids/],
    [{ BERTH_SWARM_NODES: JSON.stringify({ "../x": "unix:///s" }) }, /is not a Swarm node id/],
    [{ BERTH_SWARM_MANAGER: "unix://relative/docker.sock" }, /absolute path/],
    [{ BERTH_SWARM_MANAGER: "http://mgr:2375" }, /expected unix:\/\/\/path or tcp:\/\/host:port/],
    [{ BERTH_SWARM_MANAGER: "tcp://mgr:99999" }, /out of range/],
    // A plain Docker API on the network is root for whoever reaches it.
    [{ BERTH_SWARM_MANAGER: "tcp://mgr.example:2375" }, /has no TLS client certificate/],
    [{ BERTH_SWARM_MANAGER: JSON.stringify({ url: "tcp://mgr:2376", ca: "/ca.pem" }) }, /all three of ca, cert and key/],
    [{ BERTH_SWARM_MANAGER: JSON.stringify({ url: "unix:///s", ca: "/a", cert: "/b", key: "/c" }) }, /TLS files make no sense/],
    [{ BERTH_SWARM_MANAGER: JSON.stringify({ url: "tcp://mgr:2376", extra: 1 }) }, /BERTH_SWARM_MANAGER/],
  ])("refuses %j", (extra, message) => {
    expect(() => parseEngineConfig(swarm(extra))).toThrow(message);
  });

  it("allows plain tcp on loopback only", () => {
    const config = parseEngineConfig(swarm({ BERTH_SWARM_MANAGER: "tcp://127.0.0.1:2375" }));
    if (config.kind !== "swarm") throw new Error("expected swarm");
    expect(config.swarm.manager).toMatchObject({ kind: "tcp", host: "127.0.0.1", port: 2375, tls: null });
  });
});
