import "server-only";
import { engineDocker as docker } from "@/lib/docker/engine-client";

export interface EngineStatus {
  reachable: boolean;
  version?: string;
  apiVersion?: string;
}

/** Pings the engine with a short timeout: a page must not hang on a dead daemon. */
export async function engineStatus(timeoutMs = 2000): Promise<EngineStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<EngineStatus>((resolve) => {
    timer = setTimeout(() => resolve({ reachable: false }), timeoutMs);
  });
  const probe = docker()
    .version()
    .then((v): EngineStatus => ({ reachable: true, version: v.Version, apiVersion: v.ApiVersion }))
    .catch((): EngineStatus => ({ reachable: false }));
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
