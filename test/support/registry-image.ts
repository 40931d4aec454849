import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** The local registry scripts/ensure-registry.sh starts. */
export const REGISTRY = "127.0.0.1:5000";

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: "pipe" });

/**
 * Builds an image with one layer of fresh random bytes on top of berth/shell:1, pushes it
 * to the local registry and removes it from the host again, so that pulling it fetches
 * real bytes (a plain retag of berth/shell:1 would only ever say "Already exists").
 */
export function pushFreshImage(repository: string, layerBytes = 3_000_000): string {
  const ref = `${REGISTRY}/${repository}:${randomBytes(4).toString("hex")}`;
  const context = mkdtempSync(path.join(tmpdir(), "berth-image-"));
  try {
    writeFileSync(path.join(context, "blob"), randomBytes(layerBytes));
    writeFileSync(path.join(context, "Dockerfile"), "FROM berth/shell:1\nCOPY blob /blob\n");
    docker("build", "-q", "-t", ref, context);
    docker("push", ref);
    docker("rmi", ref);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return ref;
}

/** A reference in the local registry that was never pushed. */
export function missingImageRef(repository: string): string {
  return `${REGISTRY}/${repository}:missing-${randomBytes(4).toString("hex")}`;
}

/** Removes the tag from the host (if pulled) and its manifest from the registry. */
export async function removeTestImage(ref: string): Promise<void> {
  try {
    docker("rmi", "-f", ref);
  } catch {
    // Not on the host: nothing to remove.
  }
  const match = ref.match(/^127\.0\.0\.1:5000\/(.+):([^:/]+)$/);
  if (!match) return;
  const [, repository, tag] = match;
  const manifest = `http://${REGISTRY}/v2/${repository}/manifests`;
  const head = await fetch(`${manifest}/${tag}`, {
    method: "HEAD",
    headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" },
  });
  const digest = head.headers.get("docker-content-digest");
  if (digest) await fetch(`${manifest}/${digest}`, { method: "DELETE" });
}
