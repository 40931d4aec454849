import "server-only";
import { managerDocker } from "@/lib/docker/client";
import { engineKind } from "@/lib/docker/engine-config";
import { recheckNode, refreshNodePosture } from "@/lib/docker/nodes";

/**
 * Keeps every Swarm node's posture and eligibility label current: all nodes at start and
 * every few minutes, and a node at once when the manager reports it joined or changed state
 * (a daemon restarted with other defaults comes back through "down" → "ready"). Changes of a
 * node's spec alone (labels, availability; Berth's own label writes among them) do not change
 * its daemon, so they trigger nothing: the watch never feeds on itself.
 */
const PERIOD_MS = Number(process.env.BERTH_POSTURE_PERIOD_MS) || 3 * 60_000;
const RECONNECT_MS = 2000;

interface NodeEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

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
    let buffered = "";
    stream.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) onEvent(line);
      }
    });
    stream.on("error", () => undefined);
    stream.on("close", () => {
      stream = null;
      if (!stopped) setTimeout(() => void follow(), RECONNECT_MS).unref();
    });
  };

  const onEvent = (line: string) => {
    let event: NodeEvent;
    try {
      event = JSON.parse(line) as NodeEvent;
    } catch {
      return;
    }
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
      (stream as { destroy?: () => void } | null)?.destroy?.();
      globalForWatch.berthNodeWatch = undefined;
    },
  };
}

export function stopNodeWatch(): void {
  globalForWatch.berthNodeWatch?.stop();
}
