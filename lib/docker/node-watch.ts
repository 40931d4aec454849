import "server-only";
import { managerDocker } from "@/lib/docker/client";
import { engineKind } from "@/lib/docker/engine-config";
import { onEventLines, type RawEngineEvent } from "@/lib/docker/event-stream";
import { recheckNode, recheckUnansweredNodes, refreshNodePosture } from "@/lib/docker/nodes";

/**
 * Keeps every Swarm node's posture and eligibility label current: all nodes at start and
 * every few minutes, and a node at once when the manager reports it joined or changed state
 * (a daemon restarted with other defaults comes back through "down" → "ready"), and a node
 * whose engine did not answer every few seconds until it does. Changes of a
 * node's spec alone (labels, availability; Berth's own label writes among them) do not change
 * its daemon, so they trigger nothing: the watch never feeds on itself.
 */
const PERIOD_MS = Number(process.env.BERTH_POSTURE_PERIOD_MS) || 3 * 60_000;
const RECONNECT_MS = 2000;
// A node whose engine did not answer is asked again this often: its daemon may come back
// without the manager ever seeing it down (a restart within the heartbeat).
const UNANSWERED_MS = 5000;

const globalForWatch = globalThis as unknown as { berthNodeWatch?: { stop: () => void } };

export function startNodeWatch(): void {
  if (engineKind() !== "swarm" || globalForWatch.berthNodeWatch) return;
  let stopped = false;
  let stream: NodeJS.ReadableStream | null = null;
  const refreshAll = () =>
    refreshNodePosture().catch((error: unknown) =>
      console.error(`[nodes] posture check failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  void refreshAll();
  const timer = setInterval(() => void refreshAll(), PERIOD_MS);
  timer.unref();
  const retry = setInterval(() => void recheckUnansweredNodes(), UNANSWERED_MS);
  retry.unref();

  const follow = async (): Promise<void> => {
    if (stopped) return;
    try {
      stream = (await managerDocker().getEvents({ filters: { type: ["node"] } })) as NodeJS.ReadableStream;
    } catch {
      setTimeout(() => void follow(), RECONNECT_MS).unref();
      return;
    }
    // After a reconnect, whatever happened while the stream was down is re-read.
    void refreshAll();
    onEventLines(stream, onEvent);
    stream.on("error", () => undefined);
    stream.on("close", () => {
      stream = null;
      if (!stopped) setTimeout(() => void follow(), RECONNECT_MS).unref();
    });
  };

  const onEvent = (event: RawEngineEvent) => {
    const id = event.Actor?.ID;
    if (event.Type !== "node" || !id) return;
    const attributes = event.Actor?.Attributes ?? {};
    if (event.Action === "create" || "state.new" in attributes) {
      void recheckNode(id).catch(() => undefined);
    }
  };
  void follow();

  globalForWatch.berthNodeWatch = {
    stop: () => {
      stopped = true;
      clearInterval(timer);
      clearInterval(retry);
      (stream as { destroy?: () => void } | null)?.destroy?.();
      globalForWatch.berthNodeWatch = undefined;
    },
  };
}

export function stopNodeWatch(): void {
  globalForWatch.berthNodeWatch?.stop();
}
