"use client";

import type { ContainerDto } from "@/lib/schemas/container";
import { useLiveContainer } from "@/components/live-containers";

const label: Record<ContainerDto["status"], string> = {
  creating: "creating",
  running: "running",
  exited: "exited",
  stopped: "stopped",
  restarting: "restarting",
  dead: "dead",
  missing: "missing",
  quarantined: "quarantined",
};

/**
 * A status dot with words: colour is never the only signal. Inside a page's live stream
 * (components/live-containers.tsx) it follows the container without a reload.
 */
export function ContainerStatus({ container }: { container: Pick<ContainerDto, "id" | "status" | "exitCode" | "oomKilled" | "health"> }) {
  const c = useLiveContainer(container);
  let text = label[c.status];
  if (c.oomKilled) text = "OOM-killed";
  else if (c.status === "exited" && c.exitCode !== undefined) text = `exited (${c.exitCode})`;
  if (c.status === "running" && c.health && c.health !== "healthy") text += ` · ${c.health}`;
  return <span className={`status ${c.oomKilled ? "exited" : c.status}`}>{text}</span>;
}
