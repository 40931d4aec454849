import { execFileSync } from "node:child_process";

/**
 * Safety net after the Swarm tests' own clean-up: every service labelled with this run
 * (berth.test=<run id>) on the manager, then what is left of it on each node's engine
 * (containers, volumes) and the run's networks. Errors are reported, never thrown: a
 * teardown must reach every engine.
 */
export function removeSwarmObjects(runId: string, manager: string, nodes: string[]) {
  const filter = `label=berth.test=${runId}`;
  const run = (host: string, args: string[]) => {
    try {
      return execFileSync("docker", ["--host", host, ...args], { encoding: "utf8", stdio: "pipe" })
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean);
    } catch (error) {
      const why = String((error as { stderr?: unknown }).stderr ?? error).trim();
      // Gone meanwhile (an overlay goes with its last task): nothing left to remove.
      if (!/not found|no such/i.test(why)) console.warn(`[cleanup] docker ${args.join(" ")} on ${host}: ${why}`);
      return [];
    }
  };
  const services = run(manager, ["service", "ls", "-q", "--filter", filter]);
  if (services.length) run(manager, ["service", "rm", ...services]);
  for (const node of nodes) {
    const containers = run(node, ["ps", "-aq", "--filter", filter]);
    if (containers.length) run(node, ["rm", "-f", "-v", ...containers]);
  }
  // A task's container goes a moment after its service; volumes and networks only after it.
  for (const node of nodes) {
    const volumes = run(node, ["volume", "ls", "-q", "--filter", filter]);
    if (volumes.length) run(node, ["volume", "rm", "-f", ...volumes]);
  }
  for (const network of run(manager, ["network", "ls", "-q", "--filter", filter])) run(manager, ["network", "rm", network]);
}
