import "server-only";
import { db } from "@/lib/db";
import { engineStatus } from "@/lib/docker/engine";

export interface Health {
  status: "ok" | "degraded";
  db: "ok" | "down";
  docker: { reachable: boolean; version?: string };
}

/** For the console's banner: only whether the engine answers (within a second). */
export async function engineReachable(): Promise<{ reachable: boolean }> {
  return { reachable: (await engineStatus(1000)).reachable };
}

export async function getHealth(): Promise<Health> {
  const [dbOk, engine] = await Promise.all([
    db.$queryRaw`SELECT 1`.then(() => true, () => false),
    engineStatus(),
  ]);
  return {
    status: dbOk && engine.reachable ? "ok" : "degraded",
    db: dbOk ? "ok" : "down",
    docker: { reachable: engine.reachable, ...(engine.version ? { version: engine.version } : {}) },
  };
}
