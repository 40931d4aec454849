import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "@/lib/docker/client";
import { caddyAdmin } from "@/lib/ingress/caddy-admin";
import { testLabels } from "@/lib/docker/labels";
import { connectEdge, disconnectEdge, edgeNetworks, edgeState, edgeUid, ensureEdge, removeEdge } from "@/lib/docker/edge";
import { EDGE_FILES, EDGE_MOUNT, readIngressSettings, type IngressSettings } from "@/lib/ingress/settings";
import { eventually } from "./fixtures";

const HOST = "hello.apps.test";

/** A port nothing on 127.0.0.1 listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A static response for HOST over TLS signed by the edge's own CA (the internal issuer). */
function edgeConfig(s: IngressSettings, body: string): Record<string, unknown> {
  return {
    admin: { listen: `unix/${EDGE_MOUNT}/${EDGE_FILES.adminSocket}`, origins: ["localhost"] },
    apps: {
      http: {
        http_port: s.httpPort,
        https_port: s.httpsPort,
        servers: {
          edge: {
            listen: [`:${s.httpsPort}`],
            routes: [{ match: [{ host: [HOST] }], handle: [{ handler: "static_response", status_code: 200, body }] }],
          },
        },
      },
      tls: { automation: { policies: [{ subjects: [HOST], issuers: [{ module: "internal" }] }] } },
      // Caddy would otherwise try (and fail, unprivileged) to add its root to the container's trust store.
      pki: { certificate_authorities: { local: { install_trust: false } } },
    },
  };
}

/** GET / for HOST through the edge, verified against the edge's root (never unverified). */
function fetchHello(port: number, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      { host: "127.0.0.1", port, path: "/", servername: HOST, headers: { Host: HOST }, ca, agent: false, timeout: 3000 },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", reject);
  });
}

/** TCP ports listening inside the container's network namespace, from /proc/<pid>/net/tcp{,6}. */
async function listeningPorts(pid: number): Promise<{ address: string; port: number }[]> {
  const found: { address: string; port: number }[] = [];
  for (const file of ["tcp", "tcp6"]) {
    const lines = (await readFile(`/proc/${pid}/net/${file}`, "utf8")).trim().split("\n").slice(1);
    for (const line of lines) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== "0A") continue;
      const [address, port] = local.split(":");
      found.push({ address, port: parseInt(port, 16) });
    }
  }
  return found;
}

// Docker's embedded DNS for user-defined networks listens on 127.0.0.11 inside every such netns.
const DOCKER_DNS = "0B00007F";

let settings: IngressSettings;
let edgeDir: string;
const admin = () => caddyAdmin(path.join(settings.edgeDir, EDGE_FILES.adminSocket));
const rootCert = () => path.join(settings.edgeDir, EDGE_FILES.caRoot);

async function waitForRoot(): Promise<string> {
  await eventually(
    async () => existsSync(rootCert()),
    (present) => present,
    20_000,
  );
  return readFile(rootCert(), "utf8");
}

async function settingsWith(httpsPort: number, httpPort: number, name: string): Promise<IngressSettings> {
  return readIngressSettings({
    ...process.env,
    BERTH_EDGE_NAME: name,
    BERTH_EDGE_DIR: edgeDir,
    BERTH_HTTPS_PORT: String(httpsPort),
    BERTH_HTTP_PORT: String(httpPort),
    BERTH_PORTAL_URL: `https://portal.test:${httpsPort}`,
    BERTH_APPS_DOMAIN: "apps.test",
    BERTH_EDGE_ADDRESS: "127.0.0.1",
  });
}

beforeAll(async () => {
  edgeDir = await mkdtemp(path.join(tmpdir(), "berth-edge-it-"));
  settings = await settingsWith(await freePort(), await freePort(), `berth-edge-it-${randomBytes(4).toString("hex")}`);
});

afterAll(async () => {
  try {
    if (settings) await removeEdge(settings);
  } finally {
    // Caddy's files belong to the edge's uid; the test runs as root or as that same uid.
    if (edgeDir) await rm(edgeDir, { recursive: true, force: true });
  }
});

describe("the edge image", () => {
  it("ensure-images.sh built berth/edge:1 around Debian's caddy", async () => {
    const image = await docker().getImage("berth/edge:1").inspect();
    expect(image.Config.Entrypoint).toEqual(["/usr/bin/caddy"]);
    expect(image.Comment).toMatch(/Caddy/);
  });
});

describe("the admin client without a working edge", () => {
  it("says what failed: no socket, or no answer in time", async () => {
    const missing = caddyAdmin(path.join(edgeDir, "no.sock"));
    expect(await missing.reachable()).toBe(false);
    await expect(missing.getConfig()).rejects.toThrow(/GET \/config\/ failed: the socket does not exist/);

    const silent = net.createServer(() => undefined);
    const socket = path.join(edgeDir, "silent.sock");
    await new Promise<void>((resolve) => silent.listen(socket, resolve));
    try {
      await expect(caddyAdmin(socket, { timeoutMs: 200 }).load({})).rejects.toThrow(/POST \/load timed out after 200 ms/);
    } finally {
      silent.close();
    }
  });
});

describe("Berth's edge container", () => {
  let id: string;

  it("starts from the initial config and answers on its admin socket only", async () => {
    const result = await ensureEdge(settings, edgeConfig(settings, "hello from the edge"));
    expect(result.started).toBe(true);
    id = result.id;
    expect(await eventually(() => admin().reachable(), Boolean, 15_000)).toBe(true);

    const config = (await admin().getConfig()) as { admin: { listen: string } };
    expect(config.admin.listen).toBe(`unix/${EDGE_MOUNT}/${EDGE_FILES.adminSocket}`);
    expect((await stat(path.join(settings.edgeDir, "run"))).mode & 0o777).toBe(0o700);
    const file = await stat(path.join(settings.edgeDir, "caddy.json"));
    expect([file.mode & 0o777, file.uid]).toEqual([0o600, edgeUid().uid]);
  });

  it("is hardened: non-root, no capabilities, no new privileges, read-only root, one bind mount, ports on loopback only", async () => {
    const info = await docker().getContainer(id).inspect();
    const { uid, gid } = edgeUid();
    expect(uid).not.toBe(0);
    expect(info.Config.User).toBe(`${uid}:${gid}`);
    const hc = info.HostConfig;
    expect(hc.CapDrop).toEqual(["ALL"]);
    expect(hc.CapAdd ?? []).toEqual([]);
    expect(hc.Privileged).toBe(false);
    expect(hc.SecurityOpt).toEqual(["no-new-privileges:true"]);
    expect(hc.ReadonlyRootfs).toBe(true);
    expect(hc.Memory).toBe(256 * 1024 * 1024);
    expect(hc.PidsLimit).toBe(256);
    expect(hc.RestartPolicy?.Name).toBe("unless-stopped");
    expect(hc.LogConfig).toEqual({ Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } });
    expect(hc.NetworkMode).toBe(settings.edgeName);
    expect(info.Mounts.map((m) => [m.Type, m.Source, m.Destination, m.RW])).toEqual([["bind", settings.edgeDir, EDGE_MOUNT, true]]);
    expect(Object.keys(hc.Tmpfs ?? {})).toEqual(["/tmp"]);
    expect(info.Config.Labels).toMatchObject({ "berth.managed": "true", "berth.role": "edge", "berth.test": process.env.BERTH_TEST_RUN_ID });
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([settings.edgeName]);

    const published = Object.entries(info.NetworkSettings.Ports ?? {}).filter(([, bindings]) => bindings?.length);
    expect(Object.fromEntries(published)).toEqual({
      [`${settings.httpsPort}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(settings.httpsPort) }],
      [`${settings.httpPort}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(settings.httpPort) }],
    });
  });

  it("has no TCP admin port: inside its network namespace only the two configured ports listen", async () => {
    // The image has no shell for `docker exec`; the container's netns is readable through its pid.
    const { State } = await docker().getContainer(id).inspect();
    const ports = await eventually(
      () => listeningPorts(State.Pid),
      (found) => found.filter((p) => p.address !== DOCKER_DNS).length >= 2,
    );
    const caddy = ports.filter((p) => p.address !== DOCKER_DNS).map((p) => p.port);
    expect([...new Set(caddy)].sort()).toEqual([settings.httpPort, settings.httpsPort].sort());
    expect(caddy).not.toContain(2019);
  });

  it("serves HTTPS with a certificate from its own CA, verified against the root it wrote", async () => {
    // Caddy creates its CA when it provisions the pki app at start, before serving: about 0.1 s.
    const ca = await waitForRoot();
    const response = await eventually(
      () => fetchHello(settings.httpsPort, ca).catch((error: Error) => ({ status: 0, body: error.message })),
      (r) => r.status === 200,
    );
    expect(response).toEqual({ status: 200, body: "hello from the edge" });
  });

  it("takes a new config through load()", async () => {
    await admin().load(edgeConfig(settings, "loaded through the admin API"));
    const ca = await readFile(rootCert(), "utf8");
    expect(await fetchHello(settings.httpsPort, ca)).toEqual({ status: 200, body: "loaded through the admin API" });
    expect(await admin().deleteId("no-such-id")).toBe(false);
  });

  it("a config Caddy rejects fails with Caddy's reason and leaves the running config in place", async () => {
    const broken = edgeConfig(settings, "never served");
    (broken.apps as { http: { servers: { edge: { listen: string[] } } } }).http.servers.edge.listen = ["not an address"];
    await expect(admin().load(broken)).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/POST \/load answered 400: .*not an address/),
    });
    const ca = await readFile(rootCert(), "utf8");
    expect((await fetchHello(settings.httpsPort, ca)).body).toBe("loaded through the admin API");
  });

  it("comes back after being killed", async () => {
    await docker().getContainer(id).kill();
    await eventually(
      () => edgeState(settings),
      (s) => s?.running === false,
    );
    const again = await ensureEdge(settings, edgeConfig(settings, "hello again"));
    expect(again).toEqual({ id, started: true });
    expect((await edgeState(settings))?.running).toBe(true);
    expect(await eventually(() => admin().reachable(), Boolean, 15_000)).toBe(true);
    // A restarted edge starts from the start-up config again (and the CA it kept).
    const ca = await readFile(rootCert(), "utf8");
    const response = await eventually(
      () => fetchHello(settings.httpsPort, ca).catch((error: Error) => ({ status: 0, body: error.message })),
      (r) => r.status === 200,
    );
    expect(response.body).toBe("hello again");
    // Running already: nothing to do.
    expect(await ensureEdge(settings, edgeConfig(settings, "hello again"))).toEqual({ id, started: false });
  });

  it("concurrent calls share one attempt", async () => {
    const [a, b] = await Promise.all([ensureEdge(settings, edgeConfig(settings, "x")), ensureEdge(settings, edgeConfig(settings, "x"))]);
    expect(a).toBe(b);
  });

  it("joins and leaves Berth's networks idempotently, and no other networks", async () => {
    const name = `berth-edge-it-net-${randomBytes(4).toString("hex")}`;
    const stranger = `${name}-stranger`;
    await docker().createNetwork({ Name: name, Labels: { "berth.managed": "true", ...testLabels() } });
    await docker().createNetwork({ Name: stranger, Labels: testLabels() });
    try {
      await connectEdge(settings, name);
      await connectEdge(settings, name);
      expect((await edgeNetworks(settings)).sort()).toEqual([settings.edgeName, name].sort());
      await expect(connectEdge(settings, stranger)).rejects.toMatchObject({
        code: "conflict",
        message: expect.stringMatching(/not managed by Berth/),
      });
      await disconnectEdge(settings, name);
      await disconnectEdge(settings, name);
      expect(await edgeNetworks(settings)).toEqual([settings.edgeName]);
      await expect(disconnectEdge(settings, settings.edgeName)).rejects.toMatchObject({ code: "conflict" });
    } finally {
      await docker()
        .getNetwork(name)
        .remove()
        .catch(() => undefined);
      await docker()
        .getNetwork(stranger)
        .remove()
        .catch(() => undefined);
    }
  });

  it("is recreated when its ports change", async () => {
    const moved = await settingsWith(await freePort(), settings.httpPort, settings.edgeName);
    const result = await ensureEdge(moved, edgeConfig(moved, "on a new port"));
    expect(result.started).toBe(true);
    expect(result.id).not.toBe(id);
    settings = moved;
    const info = await docker().getContainer(result.id).inspect();
    expect(Object.keys(info.HostConfig.PortBindings ?? {}).sort()).toEqual([`${moved.httpPort}/tcp`, `${moved.httpsPort}/tcp`].sort());
    await expect(docker().getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(await eventually(() => admin().reachable(), Boolean, 15_000)).toBe(true);
    const ca = await readFile(rootCert(), "utf8");
    const response = await eventually(
      () => fetchHello(moved.httpsPort, ca).catch((error: Error) => ({ status: 0, body: error.message })),
      (r) => r.status === 200,
    );
    expect(response.body).toBe("on a new port");
  });

  it("removeEdge removes the container and its network, and is fine when they are gone", async () => {
    await removeEdge(settings);
    expect(await edgeState(settings)).toBeNull();
    expect(execFileSync("docker", ["network", "ls", "-q", "--filter", `name=^${settings.edgeName}$`], { encoding: "utf8" }).trim()).toBe("");
    await removeEdge(settings);
  });
});
