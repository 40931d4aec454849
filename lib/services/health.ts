import "server-only";
import { db } from "@/lib/db";
import { engineStatus } from "@/lib/docker/engine";
import { currentReconciler } from "@/lib/reconciler/reconciler";

export interface Health {
  status: "ok" | "degraded";
  db: "ok" | "down";
  docker: { reachable: boolean; version?: string };
}

// The banner's answer is shared for a moment: every console page asks, and a daemon round
// trip per page view is most of a fast page's time (docs/benchmarks.md, item 3).
const BANNER_TTL_MS = 2000;
let banner: { at: number; answer: Promise<{ reachable: boolean }> } | undefined;

/**
 * For the console's banner: whether the engine answers. While this process's reconciler
 * follows the engine's event stream with its rows live (the signal the container lists use),
 * the engine is answering: the stream ends when the daemon goes away, and the reconciler then
 * marks itself disconnected. So no round trip on a page view; otherwise a ping (within a
 * second), at most 2 s old.
 */
export function engineReachable(now = Date.now()): Promise<{ reachable: boolean }> {
  if (currentReconciler()?.rowsAreLive()) return Promise.resolve({ reachable: true });
  if (!banner || now - banner.at > BANNER_TTL_MS) {
    banner = { at: now, answer: engineStatus(1000).then((s) => ({ reachable: s.reachable })) };
  }
  return banner.answer;
}

export async function getHealth(): Promise<Health> {
  const [dbOk, engine] = await Promise.all([
    db.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    ),
    engineStatus(),
  ]);
  return {
    status: dbOk && engine.reachable ? "ok" : "degraded",
    db: dbOk ? "ok" : "down",
    docker: { reachable: engine.reachable, ...(engine.version ? { version: engine.version } : {}) },
  };
}
