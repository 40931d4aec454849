import "server-only";
import { PassThrough, type Duplex } from "node:stream";
import type Dockerode from "dockerode";
import { config } from "@/lib/config";
import { volumeEngine } from "@/lib/docker/engine-client";
import { isNotFound, toServiceError } from "@/lib/docker/errors";
import { belongsTo, testLabels, LABEL } from "@/lib/docker/labels";
import { PolicyAssertionError } from "@/lib/docker/workloads";
import { ServiceError } from "@/lib/errors";
import { buildTar } from "@/lib/files/tar";
import { buildHelperOptions, HELPER_VOLUME_PATH, verifyHelperInspect } from "@/lib/policy";

/*
 * Files in a tenant volume, read and written only by Berth's helper container
 * (lib/policy/helper-options.ts): as the tenant's uid, without capabilities or network,
 * with only that volume mounted. Nothing here touches a host path: the engine mounts the
 * volume, and every byte goes in through the helper's stdin. Whatever the volume holds (a
 * symlink a tenant container left pointing at /etc, say), the helper can write no more
 * than the tenant's own containers can, and its root filesystem is read-only.
 */

type Tenant = { id: string; uid: number };

export interface HelperRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The helper's id on the engine; it is removed before this returns. */
  containerId: string;
}

const MAX_OUTPUT_BYTES = 1 << 20;
/**
 * Helpers running at once per tenant (per portal process). A listing is a read, so it has
 * no write limit; without this cap, a member reloading the files page in a loop could
 * start containers as fast as the engine takes them.
 */
const MAX_HELPERS_PER_TENANT = 4;
const running = new Map<string, number>();
const HELPER_ROLE = "volume-files";

/** The engine holding the volume (on Swarm, its node's), once the volume is known to be the tenant's. */
async function assertTenantVolume(tenant: Tenant, dockerName: string): Promise<Dockerode> {
  const docker = await volumeEngine(dockerName).catch((error: unknown) => Promise.reject(toServiceError(error, "Finding the volume")));
  if (!docker) throw new ServiceError("not_found", "Volume was not found on the engine.");
  const info = await docker
    .getVolume(dockerName)
    .inspect()
    .catch((error: unknown) => (isNotFound(error) ? null : Promise.reject(toServiceError(error, "Reading the volume"))));
  if (!info || !belongsTo(info.Labels, tenant.id)) throw new ServiceError("not_found", "Volume was not found on the engine.");
  return docker;
}

function collect(stream: NodeJS.ReadableStream, limit: number): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on("data", (chunk: Buffer) => {
    if (size >= limit) return;
    chunks.push(chunk);
    size += chunk.length;
  });
  return () => Buffer.concat(chunks).toString("utf8").slice(0, limit);
}

/**
 * Runs the helper with a fixed command over one tenant volume and returns what it printed.
 * The created helper is read back and checked against the controls before it starts, and
 * it is removed afterwards whatever happened.
 */
export async function runVolumeHelper(tenant: Tenant, dockerName: string, cmd: string[], stdin?: Buffer, timeoutMs = 60_000): Promise<HelperRun> {
  const count = running.get(tenant.id) ?? 0;
  if (count >= MAX_HELPERS_PER_TENANT) {
    throw new ServiceError("rate_limited", "Too many file operations of this tenant at once; try again in a few seconds.", undefined, 5);
  }
  running.set(tenant.id, count + 1);
  try {
    return await runHelper(tenant, dockerName, cmd, stdin, timeoutMs);
  } finally {
    const left = (running.get(tenant.id) ?? 1) - 1;
    if (left > 0) running.set(tenant.id, left);
    else running.delete(tenant.id);
  }
}

async function runHelper(tenant: Tenant, dockerName: string, cmd: string[], stdin: Buffer | undefined, timeoutMs: number): Promise<HelperRun> {
  const docker = await assertTenantVolume(tenant, dockerName);
  const ctx = {
    tenantId: tenant.id,
    uid: Math.trunc(tenant.uid),
    gid: Math.trunc(tenant.uid),
    image: config().helperImage,
    volumeName: dockerName,
    role: HELPER_ROLE,
    cmd,
  };
  const options = buildHelperOptions({ ...ctx, stdin: stdin !== undefined, testRunId: testLabels()[LABEL.test] });
  let helper: Dockerode.Container;
  try {
    helper = await docker.createContainer(options as Dockerode.ContainerCreateOptions);
  } catch (error) {
    throw toServiceError(error, "Creating the file helper");
  }
  try {
    const violations = verifyHelperInspect(await helper.inspect(), ctx);
    if (violations.length) throw new PolicyAssertionError(violations);
    const stream = (await helper.attach({ stream: true, hijack: true, stdin: stdin !== undefined, stdout: true, stderr: true })) as Duplex;
    const out = new PassThrough();
    const err = new PassThrough();
    const stdout = collect(out, MAX_OUTPUT_BYTES);
    const stderr = collect(err, 64 * 1024);
    docker.modem.demuxStream(stream, out, err);
    // The helper may exit before reading all of stdin (a refused path): the write then
    // fails with EPIPE, and the exit code says why.
    stream.on("error", () => undefined);
    const ended = new Promise<void>((resolve) => {
      stream.on("end", resolve);
      stream.on("close", resolve);
    });
    await helper.start();
    if (stdin !== undefined) stream.end(stdin);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ServiceError("internal", `The file helper did not finish within ${timeoutMs / 1000} s.`)), timeoutMs);
    });
    try {
      const result = (await Promise.race([helper.wait(), timeout])) as { StatusCode: number };
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2000))]);
      return { exitCode: result.StatusCode, stdout: stdout(), stderr: stderr(), containerId: helper.id };
    } finally {
      clearTimeout(timer);
      stream.destroy();
    }
  } catch (error) {
    throw error instanceof ServiceError ? error : toServiceError(error, "Running the file helper");
  } finally {
    await helper.remove({ force: true }).catch(() => undefined);
  }
}

export interface VolumeEntry {
  path: string;
  type: "file" | "directory" | "symlink" | "other";
  size: number;
  modifiedAt: string;
  uid: number;
}

const S_IFMT = 0o170000;
const TYPES: Record<number, VolumeEntry["type"]> = { 0o100000: "file", 0o040000: "directory", 0o120000: "symlink" };
const STAT_FORMAT = "%f %s %Y %u %n";

/** One line of `stat -c '%f %s %Y %u %n'` for a path under ".", or null for anything else. */
export function parseStatLine(line: string): VolumeEntry | null {
  const m = /^([0-9a-f]+) (\d+) (\d+) (\d+) \.\/(.+)$/.exec(line);
  if (!m) return null;
  const mode = parseInt(m[1], 16);
  return {
    path: m[5],
    type: TYPES[mode & S_IFMT] ?? "other",
    size: Number(m[2]),
    modifiedAt: new Date(Number(m[3]) * 1000).toISOString(),
    uid: Number(m[4]),
  };
}

export const MAX_LISTED_ENTRIES = 1000;
export const MAX_LISTED_DEPTH = 8;

// Names with control characters (a newline would split a line) are left out of the
// listing rather than parsed ambiguously; Berth's own uploads never create them.
const LIST_SCRIPT = [
  `cd ${HELPER_VOLUME_PATH} || exit 90`,
  `bad="$(printf '*[\\001-\\037\\177]*')"`,
  `find . -mindepth 1 -maxdepth ${MAX_LISTED_DEPTH} -xdev \\( -name "$bad" -prune \\) -o -exec stat -c '${STAT_FORMAT}' {} + | head -n ${MAX_LISTED_ENTRIES + 1}`,
].join("\n");

/** What a tenant volume holds (up to 1000 entries, 8 levels deep), newest structure first. */
export async function listVolumeEntries(tenant: Tenant, dockerName: string): Promise<{ entries: VolumeEntry[]; truncated: boolean }> {
  const run = await runVolumeHelper(tenant, dockerName, ["sh", "-c", LIST_SCRIPT]);
  if (run.exitCode !== 0) throw new ServiceError("internal", `Listing the volume failed (exit ${run.exitCode}).`);
  const entries = run.stdout
    .split("\n")
    .map(parseStatLine)
    .filter((e): e is VolumeEntry => e !== null);
  return { entries: entries.slice(0, MAX_LISTED_ENTRIES), truncated: entries.length > MAX_LISTED_ENTRIES };
}

// Before extracting: no folder on the way to a file may be a symlink or a file, and no file
// may land on a folder. After: each path must be a regular file of the tenant's uid with
// the size sent. Exit codes 91-93 name the refusal; its path is on stderr.
const UPLOAD_SCRIPT = [
  "set -u",
  `cd ${HELPER_VOLUME_PATH} || exit 90`,
  'for p in "$@"; do',
  '  d=.; rest="$p"',
  '  while [ "${rest#*/}" != "$rest" ]; do',
  '    d="$d/${rest%%/*}"; rest="${rest#*/}"',
  '    if [ -L "$d" ]; then echo "$d" >&2; exit 91; fi',
  '    if [ -e "$d" ] && [ ! -d "$d" ]; then echo "$d" >&2; exit 92; fi',
  "  done",
  '  if [ -d "$p" ] && [ ! -L "$p" ]; then echo "./$p" >&2; exit 93; fi',
  "done",
  "tar -x -f - || exit 94",
  `for p in "$@"; do stat -c '${STAT_FORMAT}' "./$p" || exit 95; done`,
].join("\n");

const REFUSALS: Record<number, string> = {
  91: "is a symbolic link in the volume; Berth does not write through links",
  92: "is a file in the volume, so it cannot be a folder",
  93: "is a folder in the volume, so a file cannot replace it",
};

export interface UploadFile {
  path: string;
  data: Uint8Array;
}

/**
 * Writes files into a tenant volume as the tenant's uid, then checks what the helper did:
 * every path is now a regular file, of the tenant, of the size sent. The paths must already
 * be checked (lib/files/upload-path.ts); this re-checks nothing about their spelling.
 */
export async function writeVolumeFiles(
  tenant: Tenant,
  dockerName: string,
  files: UploadFile[],
): Promise<{ entries: VolumeEntry[]; containerId: string }> {
  const paths = files.map((f) => f.path);
  const run = await runVolumeHelper(tenant, dockerName, ["sh", "-c", UPLOAD_SCRIPT, "berth-upload", ...paths], buildTar(files));
  if (REFUSALS[run.exitCode]) {
    const where = run.stderr.trim().split("\n")[0]?.replace(/^\.\//, "") ?? "";
    throw new ServiceError("conflict", `"${where}" ${REFUSALS[run.exitCode]}.`, [{ path: "files", message: `"${where}" ${REFUSALS[run.exitCode]}` }]);
  }
  if (run.exitCode !== 0) {
    const words =
      run.stderr
        .replace(/[^\x20-\x7e\n]/g, "")
        .trim()
        .split("\n")
        .pop() ?? "";
    throw new ServiceError("internal", `Writing the files failed (exit ${run.exitCode})${words ? `: ${words.slice(0, 200)}` : ""}.`);
  }
  const entries = run.stdout
    .split("\n")
    .map(parseStatLine)
    .filter((e): e is VolumeEntry => e !== null);
  const byPath = new Map(entries.map((e) => [e.path, e]));
  for (const file of files) {
    const entry = byPath.get(file.path);
    if (!entry || entry.type !== "file" || entry.size !== file.data.byteLength || entry.uid !== Math.trunc(tenant.uid)) {
      throw new ServiceError("internal", `The helper did not write "${file.path}" as expected; check the volume's files.`);
    }
  }
  return { entries, containerId: run.containerId };
}
