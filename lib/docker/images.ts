import "server-only";
import type Dockerode from "dockerode";
import { docker, nodeDocker } from "@/lib/docker/client";
import { engineKind } from "@/lib/docker/engine-config";
import { tenantNodes, type TenantNode as ImageNode } from "@/lib/docker/nodes";
import { within } from "@/lib/docker/swarm-tasks";
import { engineFailure } from "@/lib/docker/engine-words";
import { daemonMessage, daemonUnavailable, isUnreachable, toServiceError } from "@/lib/docker/errors";
import { ServiceError } from "@/lib/errors";

export interface LayerProgress {
  id: string;
  /** The engine's word for the layer's phase: "Waiting", "Downloading", "Extracting", "Pull complete", "Already exists", … */
  status: string;
  /** Bytes done and expected in the current phase (download, then extraction); 0 when unknown. */
  current: number;
  total: number;
}

export interface PullProgress {
  layers: LayerProgress[];
  /** Downloaded and expected bytes over all layers that are fetched (layers already on the host count 0). */
  currentBytes: number;
  totalBytes: number;
  /** The latest line about the whole pull ("Pulling from team/app", "Downloaded newer image for …"). */
  status: string;
}

export type { ImageNode };

const NODE_LIST_MS = 5_000;

/** Per reference: whether a tenant can launch it, and the Swarm nodes that lack it (empty on one engine). */
export type ImagePresence = Map<string, { present: boolean; missingOn: ImageNode[] }>;

/** Which of `refs` one engine has, by tag or by digest, in one listing. */
async function presentOn(engine: Dockerode, refs: string[], where: string): Promise<Set<string>> {
  let known: Set<string>;
  try {
    const images = await engine.listImages();
    known = new Set(images.flatMap((image) => [...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])]));
  } catch (error) {
    throw toServiceError(error, `Listing the images on ${where}`);
  }
  return new Set(refs.filter((ref) => known.has(canonicalRef(ref))));
}

/**
 * Which of `refs` a tenant can launch as far as images go: on one engine, the ones the host
 * has; on Swarm, the ones every node in `nodes` has (the nodes that can run tenant tasks:
 * Swarm's scheduler knows nothing of images, and a task placed on a node without its image
 * tries to pull it there and is rejected). `missingOn` names the nodes that lack it.
 * `nodes` defaults to every node that can run tenant tasks now (lib/docker/nodes.ts).
 */
export async function imagePresence(refs: string[], nodes?: readonly ImageNode[]): Promise<ImagePresence> {
  const result: ImagePresence = new Map();
  if (refs.length === 0) return result;
  if (engineKind() !== "swarm") {
    const present = await presentOn(docker(), refs, "the host");
    for (const ref of refs) result.set(ref, { present: present.has(ref), missingOn: [] });
    return result;
  }
  nodes ??= await tenantNodes();
  // A node whose engine does not answer in a few seconds cannot show it has the image: it
  // counts as lacking it (a task placed there could not be verified either), and the page
  // still loads.
  const perNode = await Promise.all(
    nodes.map((n) => within(presentOn(nodeDocker(n.id), refs, `node ${n.hostname}`), NODE_LIST_MS, new Set<string>())),
  );
  for (const ref of refs) {
    const missingOn = nodes.filter((_, i) => !perNode[i].has(ref));
    // With no node able to run tenant tasks, nothing can be launched: not "present everywhere".
    result.set(ref, { present: nodes.length > 0 && missingOn.length === 0, missingOn });
  }
  return result;
}

/**
 * The form the engine lists a reference in: Docker Hub's "docker.io/library/" prefix is
 * dropped, a missing tag is "latest", and a reference with both tag and digest is listed
 * by its digest only (the digest is what the engine pulled).
 */
export function canonicalRef(ref: string): string {
  const name = ref.replace(/^(?:docker\.io|index\.docker\.io)\//, "").replace(/^library\/(?=[^/]+$)/, "");
  const at = name.indexOf("@");
  if (at >= 0) {
    const repo = name.slice(0, at);
    const colon = repo.lastIndexOf(":");
    const untagged = colon > repo.lastIndexOf("/") ? repo.slice(0, colon) : repo;
    return untagged + name.slice(at);
  }
  const lastColon = name.lastIndexOf(":");
  return lastColon > name.lastIndexOf("/") ? name : `${name}:latest`;
}

interface EngineEvent {
  id?: string;
  status?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

const layerStatuses = new Set([
  "Pulling fs layer",
  "Waiting",
  "Downloading",
  "Verifying Checksum",
  "Download complete",
  "Extracting",
  "Pull complete",
  "Already exists",
]);

/**
 * Pulls `ref`, reporting the engine's per-layer events folded into one snapshot after
 * each event. A registry that refuses (unknown name, unknown tag, unreachable host) is
 * the caller's input being wrong: `validation_failed` on `ref`, in the engine's words.
 *
 * On Swarm the pull goes to each node's own engine at once (`nodes`, by default every node that
 * can run tenant tasks), since each node runs its tasks from its own images; the snapshot then
 * holds every node's layers, named `<host name>:<layer>`, and a node that fails fails the
 * pull, named.
 */
export async function pullImage(ref: string, onProgress?: (progress: PullProgress) => void, nodes?: readonly ImageNode[]): Promise<void> {
  if (engineKind() !== "swarm") {
    const tracker = new PullTracker();
    await pullOn(docker(), ref, (event) => {
      if (tracker.apply(event)) onProgress?.(tracker.snapshot());
    });
    return;
  }
  const targets = nodes ?? (await tenantNodes());
  if (targets.length === 0) {
    throw new ServiceError(
      "conflict",
      "No Swarm node can run tenants' containers now (see the Nodes page), so there is nowhere to pull the image to.",
    );
  }
  const trackers = targets.map(() => new PullTracker());
  const combined = (latest: number): PullProgress => {
    const snapshots = trackers.map((t) => t.snapshot());
    return {
      layers: snapshots.flatMap((s, i) => s.layers.map((l) => ({ ...l, id: `${targets[i].hostname}:${l.id}` }))),
      currentBytes: snapshots.reduce((sum, s) => sum + s.currentBytes, 0),
      totalBytes: snapshots.reduce((sum, s) => sum + s.totalBytes, 0),
      status: `${targets[latest].hostname}: ${snapshots[latest].status}`,
    };
  };
  const results = await Promise.allSettled(
    targets.map((node, i) =>
      pullOn(nodeDocker(node.id), ref, (event) => {
        if (trackers[i].apply(event)) onProgress?.(combined(i));
      }),
    ),
  );
  const failed = results.findIndex((r) => r.status === "rejected");
  if (failed >= 0) {
    const error = (results[failed] as PromiseRejectedResult).reason as unknown;
    if (error instanceof ServiceError && error.code === "validation_failed") {
      const plain = error.fields?.[0]?.message ?? error.message;
      throw new ServiceError("validation_failed", `Could not pull ${ref} on node ${targets[failed].hostname}. ${plain}`, [
        { path: "ref", message: `on node ${targets[failed].hostname}: ${plain}` },
      ]);
    }
    throw error;
  }
}

async function pullOn(engine: Dockerode, ref: string, onEvent: (event: EngineEvent) => void): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await engine.pull(ref);
  } catch (error) {
    throw pullError(error, ref);
  }
  await new Promise<void>((resolve, reject) => {
    let failure: ServiceError | undefined;
    engine.modem.followProgress(
      stream,
      (error: unknown) => {
        if (error) reject(pullError(error, ref));
        else if (failure) reject(failure);
        else resolve();
      },
      (event: EngineEvent) => {
        // A pull that fails halfway (a missing blob, a dropped connection) still ends the
        // HTTP response normally; the failure is an event in the stream.
        if (event.error || event.errorDetail) {
          failure ??= refError(ref, event.errorDetail?.message ?? event.error ?? "unknown error");
          return;
        }
        onEvent(event);
      },
    );
  });
}

class PullTracker {
  private layers = new Map<string, LayerProgress & { downloaded: number; size: number }>();
  private status = "Pulling";

  /** Folds one engine event in; false when it changed nothing worth reporting. */
  apply(event: EngineEvent): boolean {
    const text = event.status ?? "";
    if (!event.id || !layerStatuses.has(text)) {
      if (!text) return false;
      this.status = text.replace(/^Status: /, "");
      return true;
    }
    const layer = this.layers.get(event.id) ?? { id: event.id, status: text, current: 0, total: 0, downloaded: 0, size: 0 };
    this.layers.set(event.id, layer);
    layer.status = text;
    const current = event.progressDetail?.current ?? 0;
    const total = event.progressDetail?.total ?? 0;
    switch (text) {
      case "Downloading":
        layer.current = layer.downloaded = current;
        if (total > 0) layer.total = layer.size = total;
        break;
      case "Extracting":
        // Extraction restarts the layer's bar; the download itself is done.
        layer.downloaded = layer.size;
        layer.current = current;
        layer.total = total || layer.size;
        break;
      case "Verifying Checksum":
      case "Download complete":
      case "Pull complete":
        layer.downloaded = layer.size;
        layer.current = layer.total;
        break;
    }
    return true;
  }

  snapshot(): PullProgress {
    const layers = [...this.layers.values()];
    return {
      layers: layers.map(({ id, status, current, total }) => ({ id, status, current, total })),
      currentBytes: layers.reduce((sum, l) => sum + l.downloaded, 0),
      totalBytes: layers.reduce((sum, l) => sum + l.size, 0),
      status: this.status,
    };
  }
}

/**
 * The engine's reason from a failed pull. Pulls are streamed, so docker-modem leaves
 * `json` null and `reason` generic ("server error"); the daemon's words are only in
 * `message`, after the "(HTTP code 500) server error - " prefix.
 */
function pullError(error: unknown, ref: string): ServiceError {
  if (isUnreachable(error)) return daemonUnavailable();
  return refError(ref, daemonMessage(error));
}

function refError(ref: string, reason: string): ServiceError {
  // The engine's text (resolver addresses, Go error chains) is for the server log; the person
  // gets what it means for the reference they typed.
  console.error(`[engine] pulling ${ref}: ${reason}`);
  const plain = engineFailure(reason);
  return new ServiceError("validation_failed", `Could not pull ${ref}. ${plain}`, [{ path: "ref", message: plain }]);
}
