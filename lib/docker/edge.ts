import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lchown, mkdir, open, readdir, rename, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { engineDocker as docker } from "@/lib/docker/engine-client";
import { daemonMessage, isNotFound, isStatus, toServiceError } from "@/lib/docker/errors";
import { LABEL, testLabels } from "@/lib/docker/labels";
import { ServiceError } from "@/lib/errors";
import { EDGE_FILES, EDGE_MOUNT, type IngressSettings } from "@/lib/ingress/settings";

/** The uid:gid the edge runs as when Berth itself runs as root (distroless' "nonroot"). */
const FALLBACK_ID = 65532;
const ROLE = "edge";
/** Hash of the settings a running edge was created from; a change means a new container. */
const SPEC_LABEL = "berth.edge.spec";
/** Bumped when the create options below change in a way an existing edge must pick up. */
const SPEC_VERSION = 1;
const CONFIG_FILE = "caddy.json";
const MiB = 1024 * 1024;
/** The sockets' folder ("run"): kept in step with the paths settings.ts hands out. */
const RUN_DIR = path.dirname(EDGE_FILES.adminSocket);

type ContainerInfo = Awaited<ReturnType<ReturnType<ReturnType<typeof docker>["getContainer"]>["inspect"]>>;

/**
 * Who the edge runs as: Berth's own uid:gid, so Berth can read what Caddy writes (its CA root)
 * and reach its sockets without either side being root; when Berth runs as root, a fixed
 * unprivileged id instead, because Caddy faces the internet and must never be root on the host.
 */
export function edgeUid(): { uid: number; gid: number } {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  if (uid === 0) return { uid: FALLBACK_ID, gid: FALLBACK_ID };
  return { uid, gid: gid === 0 ? FALLBACK_ID : gid };
}

const runningAsRoot = () => process.getuid?.() === 0;

// The edge owns edgeDir and everything in it, and Caddy is the internet-facing process: if it
// were compromised it could swap any name in there for a symlink to a host file. So when Berth
// (possibly root) touches edgeDir's contents it never follows a name the edge could have
// replaced: directories are opened with O_NOFOLLOW and everything inside them is addressed
// through /proc/self/fd/<fd>/<name>, which resolves relative to the directory actually opened
// even if its path is swapped afterwards (Node has no fchownat/openat).
const within = (dir: FileHandle, name: string) => `/proc/self/fd/${dir.fd}/${name}`;
const openDirectory = (p: string, follow: boolean, shown = p) =>
  open(p, constants.O_RDONLY | constants.O_DIRECTORY | (follow ? 0 : constants.O_NOFOLLOW)).catch((error: unknown) => {
    // O_NOFOLLOW|O_DIRECTORY on a symlink fails with ELOOP or ENOTDIR depending on the kernel.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "ENOTDIR")
      throw new Error(`${shown} is not a folder (or is a symbolic link); the edge's folders must be real folders`);
    throw error;
  });

/**
 * The edge's own folder: `run/` for its sockets, `data/` for Caddy's storage (its CA's keys,
 * ACME accounts and certificates), `config/` for Caddy's autosave. `run/` is reachable by the
 * edge user (and root) only: whoever can connect to the portal socket there is trusted as the
 * edge, and whoever can connect to the admin socket controls the edge.
 */
export async function prepareEdgeDir(settings: IngressSettings): Promise<void> {
  const { uid, gid } = edgeUid();
  const asRoot = runningAsRoot();
  // edgeDir's own path is the operator's (its parent is not writable by the edge), so a
  // symlink there is theirs to make; only the names inside it are guarded.
  await mkdir(settings.edgeDir, { recursive: true, mode: 0o700 });
  const top = await openDirectory(settings.edgeDir, true);
  try {
    await claim(top, settings.edgeDir, asRoot, uid, gid);
    for (const sub of [RUN_DIR, "data", "config"]) {
      await mkdir(within(top, sub), { mode: 0o700 }).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      });
      const dir = await openDirectory(within(top, sub), false, path.join(settings.edgeDir, sub));
      try {
        await claim(dir, path.join(settings.edgeDir, sub), asRoot, uid, gid);
        if (sub === RUN_DIR) {
          await dir.chmod(0o700);
          if (asRoot) await chownSockets(dir, uid, gid);
        }
      } finally {
        await dir.close();
      }
    }
  } finally {
    await top.close();
  }
}

async function claim(dir: FileHandle, shown: string, asRoot: boolean, uid: number, gid: number): Promise<void> {
  if (asRoot) return dir.chown(uid, gid);
  const owner = (await dir.stat()).uid;
  if (owner !== uid) {
    throw new Error(
      `${shown} belongs to uid ${owner}, but the edge runs as uid ${uid} (Berth's own) and must write there: chown -R ${uid}:${gid} ${shown}`,
    );
  }
}

// A socket another process (the portal's server) created in run/ as root would be out of the
// edge's reach; lchown never follows the name itself, and the /proc path pins the folder.
async function chownSockets(run: FileHandle, uid: number, gid: number): Promise<void> {
  for (const entry of await readdir(within(run, ""), { withFileTypes: true })) {
    if (entry.isSocket()) await lchown(within(run, entry.name), uid, gid);
  }
}

/**
 * Caddy's start-up config, replaced atomically (a restarting edge never reads half a file)
 * and written as a new file, so a symlink planted under its name is replaced, never followed.
 */
async function writeStartupConfig(settings: IngressSettings, config: object): Promise<void> {
  const { uid, gid } = edgeUid();
  const top = await openDirectory(settings.edgeDir, true);
  const temp = `.${CONFIG_FILE}.${randomBytes(6).toString("hex")}`;
  try {
    const file = await open(within(top, temp), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await file.writeFile(`${JSON.stringify(config, null, 2)}\n`);
      if (runningAsRoot()) await file.chown(uid, gid);
      await file.chmod(0o600);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(within(top, temp), within(top, CONFIG_FILE));
  } catch (error) {
    await unlink(within(top, temp)).catch(() => undefined);
    throw new Error(`Writing the edge's start-up config ${path.join(settings.edgeDir, CONFIG_FILE)} failed: ${(error as Error).message}`);
  } finally {
    await top.close();
  }
}

function edgeLabels(): Record<string, string> {
  return { [LABEL.managed]: "true", [LABEL.role]: ROLE, ...testLabels() };
}

const isEdge = (labels: Record<string, string> | null | undefined) => labels?.[LABEL.managed] === "true" && labels?.[LABEL.role] === ROLE;

/** What the container was created from: when any of it changes, the edge is recreated. */
function edgeSpec(settings: IngressSettings): string {
  const { uid, gid } = edgeUid();
  const inputs = {
    version: SPEC_VERSION,
    image: settings.edgeImage,
    httpsPort: settings.httpsPort,
    httpPort: settings.httpPort,
    address: settings.edgeAddress,
    mount: settings.edgeDir,
    user: `${uid}:${gid}`,
  };
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 32);
}

const notOurs = (kind: string, name: string) =>
  new ServiceError(
    "conflict",
    `A ${kind} named ${name} exists but is not Berth's edge (it lacks the labels ${LABEL.managed}=true, ${LABEL.role}=${ROLE}). Remove or rename it, or set BERTH_EDGE_NAME to another name.`,
  );

/** The edge container's inspect data, null when there is none; refuses a stranger's container of that name. */
async function inspectEdge(settings: IngressSettings): Promise<ContainerInfo | null> {
  const info = await docker()
    .getContainer(settings.edgeName)
    .inspect()
    .catch((error: unknown) => {
      if (isNotFound(error)) return null;
      throw error;
    });
  if (!info) return null;
  if (info.Name !== `/${settings.edgeName}` || !isEdge(info.Config.Labels)) throw notOurs("container", settings.edgeName);
  return info;
}

/** The edge's own bridge network; true when it was created now (a container on an older one is stale). */
async function ensureEdgeNetwork(settings: IngressSettings): Promise<boolean> {
  const name = settings.edgeName;
  const existing = await docker()
    .getNetwork(name)
    .inspect()
    .catch((error: unknown) => {
      if (isNotFound(error)) return null;
      throw error;
    });
  if (existing) {
    if (existing.Name !== name || !isEdge(existing.Labels)) throw notOurs("network", name);
    return false;
  }
  // Not `internal`: the edge reaches ACME servers, and tenant apps through their own networks.
  const created = await docker()
    .createNetwork({ Name: name, Driver: "bridge", CheckDuplicate: true, Labels: edgeLabels() })
    .catch((error: unknown) => {
      // Another process created it between the inspect and here.
      if (isStatus(error, 409)) return null;
      throw error;
    });
  return created !== null;
}

function createOptions(settings: IngressSettings) {
  const { uid, gid } = edgeUid();
  const ports = [settings.httpsPort, settings.httpPort].map((port) => `${port}/tcp`);
  return {
    name: settings.edgeName,
    Image: settings.edgeImage,
    User: `${uid}:${gid}`,
    Cmd: ["run", "--config", `${EDGE_MOUNT}/${CONFIG_FILE}`],
    // Caddy keeps its CA, certificates and autosave under these; the root filesystem is read-only.
    Env: [`HOME=${EDGE_MOUNT}`, `XDG_DATA_HOME=${EDGE_MOUNT}/data`, `XDG_CONFIG_HOME=${EDGE_MOUNT}/config`],
    Labels: { ...edgeLabels(), [SPEC_LABEL]: edgeSpec(settings) },
    ExposedPorts: Object.fromEntries(ports.map((p) => [p, {}])),
    HostConfig: {
      NetworkMode: settings.edgeName,
      // Same port numbers inside and out, so the URLs Caddy builds (redirects) name the port clients use.
      PortBindings: Object.fromEntries(ports.map((p) => [p, [{ HostIp: settings.edgeAddress, HostPort: p.split("/")[0] }]])),
      // The one host mount, allowed here and forbidden to tenants (hardening-controls.md): this
      // is Berth's own container, not a tenant's, and the folder holds only what Berth gives the
      // edge (its config, its sockets, Caddy's storage) — never the Docker socket or a tenant's data.
      Mounts: [{ Type: "bind" as const, Source: settings.edgeDir, Target: EDGE_MOUNT, ReadOnly: false }],
      Tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=16m" },
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges:true"],
      // Lets the unprivileged Caddy bind 443/80 without CAP_NET_BIND_SERVICE; the sysctl is
      // per network namespace, so it changes nothing on the host.
      Sysctls: { "net.ipv4.ip_unprivileged_port_start": "0" },
      Memory: 256 * MiB,
      MemorySwap: 256 * MiB,
      PidsLimit: 256,
      RestartPolicy: { Name: "unless-stopped" },
      LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } },
    },
  };
}

/**
 * Makes Berth's edge run: its folder prepared, `initialConfig` written as Caddy's start-up
 * config, its network and container created (or recreated when the settings it was made from
 * changed) and started. A running edge keeps its live config: changes go through the admin API.
 * Concurrent calls share one attempt (and the first caller's initialConfig).
 */
export function ensureEdge(settings: IngressSettings, initialConfig: object): Promise<{ id: string; started: boolean }> {
  const pending = edgesInFlight.get(settings.edgeName);
  if (pending) return pending;
  const attempt = ensureEdgeOnce(settings, initialConfig).finally(() => edgesInFlight.delete(settings.edgeName));
  edgesInFlight.set(settings.edgeName, attempt);
  return attempt;
}

const edgesInFlight = new Map<string, Promise<{ id: string; started: boolean }>>();

async function ensureEdgeOnce(settings: IngressSettings, initialConfig: object): Promise<{ id: string; started: boolean }> {
  const doing = `Starting Berth's edge container ${settings.edgeName}`;
  // Apart from the engine calls below: toServiceError would read a file system ENOENT/EACCES
  // as "the engine cannot be reached".
  try {
    await prepareEdgeDir(settings);
    await writeStartupConfig(settings, initialConfig);
  } catch (error) {
    throw new ServiceError("internal", `${doing} failed: ${(error as Error).message}`);
  }
  try {
    const networkIsNew = await ensureEdgeNetwork(settings);
    const spec = edgeSpec(settings);
    // Twice at most: a 409 on create means another process made it meanwhile; use theirs.
    for (let round = 0; round < 2; round++) {
      let info = await inspectEdge(settings);
      // A container created on a network that has since been recreated cannot start, nor can
      // a dead one; a changed spec (ports, address, image, mount, user) needs a new container.
      if (info && (networkIsNew || info.Config.Labels?.[SPEC_LABEL] !== spec || info.State.Dead || info.State.Status === "removing")) {
        await docker()
          .getContainer(info.Id)
          .remove({ force: true })
          .catch((error: unknown) => {
            if (!isNotFound(error)) throw error;
          });
        info = null;
      }
      if (info) {
        if (info.State.Paused) {
          await docker().getContainer(info.Id).unpause();
          return { id: info.Id, started: true };
        }
        if (info.State.Running || info.State.Restarting) return { id: info.Id, started: false };
        await start(info.Id);
        return { id: info.Id, started: true };
      }
      const created = await docker()
        .createContainer(createOptions(settings))
        .catch((error: unknown) => {
          if (isStatus(error, 409) && round === 0) return null;
          if (isNotFound(error) && /no such image/i.test(daemonMessage(error))) {
            throw new ServiceError(
              "internal",
              `The edge image ${settings.edgeImage} is not on the engine. Build it with: bash scripts/ensure-images.sh`,
            );
          }
          throw error;
        });
      if (!created) continue;
      await start(created.id);
      return { id: created.id, started: true };
    }
    throw new ServiceError("conflict", `${doing}: another process keeps recreating it; try again.`);
  } catch (error) {
    throw toServiceError(error, doing);
  }
}

async function start(id: string): Promise<void> {
  await docker()
    .getContainer(id)
    .start()
    .catch((error: unknown) => {
      // 304: it started meanwhile (its restart policy, or another process).
      if (!isStatus(error, 304)) throw error;
    });
}

/** The edge container's state, or null when there is none. */
export async function edgeState(settings: IngressSettings): Promise<{ running: boolean; id?: string; startedAt?: string } | null> {
  try {
    const info = await inspectEdge(settings);
    if (!info) return null;
    return { running: info.State.Running, id: info.Id, ...(info.State.StartedAt ? { startedAt: info.State.StartedAt } : {}) };
  } catch (error) {
    throw toServiceError(error, `Reading the state of Berth's edge container ${settings.edgeName}`);
  }
}

/** Names of the networks the edge is attached to (its own included); none when there is no edge. */
export async function edgeNetworks(settings: IngressSettings): Promise<string[]> {
  try {
    const info = await inspectEdge(settings);
    return Object.keys(info?.NetworkSettings.Networks ?? {});
  } catch (error) {
    throw toServiceError(error, `Listing the networks of Berth's edge container ${settings.edgeName}`);
  }
}

/**
 * Attaches the edge to a network so it can proxy to the containers there. Only networks Berth
 * manages: the edge faces the internet and must not be wired into anything else on the host.
 */
export async function connectEdge(settings: IngressSettings, network: string): Promise<void> {
  const doing = `Connecting Berth's edge to the network ${network}`;
  try {
    const info = await inspectEdge(settings);
    if (!info) throw new ServiceError("not_found", `${doing}: the edge container ${settings.edgeName} does not exist; start the edge first.`);
    const net = await docker().getNetwork(network).inspect();
    if (net.Labels?.[LABEL.managed] !== "true") throw new ServiceError("conflict", `${doing}: that network is not managed by Berth.`);
    if (net.Name in (info.NetworkSettings.Networks ?? {})) return;
    await docker()
      .getNetwork(net.Id)
      .connect({ Container: info.Id })
      .catch((error: unknown) => {
        // Engine 20.10 answers 403 "endpoint with name … already exists" when it raced us.
        if (!(isStatus(error, 403) && /already exists/i.test(daemonMessage(error)))) throw error;
      });
  } catch (error) {
    throw toServiceError(error, doing);
  }
}

/** Detaches the edge from a network; not attached (or no such network, or no edge) is fine. */
export async function disconnectEdge(settings: IngressSettings, network: string): Promise<void> {
  const doing = `Disconnecting Berth's edge from the network ${network}`;
  if (network === settings.edgeName) throw new ServiceError("conflict", `${doing}: that is the edge's own network, which publishes its ports.`);
  try {
    const info = await inspectEdge(settings);
    if (!info || !(network in (info.NetworkSettings.Networks ?? {}))) return;
    await docker()
      .getNetwork(network)
      .disconnect({ Container: info.Id, Force: false })
      .catch((error: unknown) => {
        // Engine 20.10 answers 500 "is not connected to (the) network" when it raced us.
        if (!isNotFound(error) && !/is not connected to/i.test(daemonMessage(error))) throw error;
      });
  } catch (error) {
    throw toServiceError(error, doing);
  }
}

/** Removes the edge container and its network (tests, teardown); already gone is fine. */
export async function removeEdge(settings: IngressSettings): Promise<void> {
  const doing = `Removing Berth's edge ${settings.edgeName}`;
  try {
    const info = await inspectEdge(settings);
    if (info) {
      await docker()
        .getContainer(info.Id)
        .remove({ force: true })
        .catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
    }
    const net = await docker()
      .getNetwork(settings.edgeName)
      .inspect()
      .catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      });
    if (net && net.Name === settings.edgeName && isEdge(net.Labels)) {
      await docker()
        .getNetwork(net.Id)
        .remove()
        .catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
    }
  } catch (error) {
    throw toServiceError(error, doing);
  }
}
