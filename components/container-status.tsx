import type { ContainerDto } from "@/lib/schemas/container";

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

/** A status dot with words: colour is never the only signal. */
export function ContainerStatus({ container }: { container: Pick<ContainerDto, "status" | "exitCode" | "oomKilled" | "health"> }) {
  let text = label[container.status];
  if (container.oomKilled) text = "OOM-killed";
  else if (container.status === "exited" && container.exitCode !== undefined) text = `exited (${container.exitCode})`;
  if (container.status === "running" && container.health && container.health !== "healthy") text += ` · ${container.health}`;
  return <span className={`status ${container.oomKilled ? "exited" : container.status}`}>{text}</span>;
}
