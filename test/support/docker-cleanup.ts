import { execFileSync } from "node:child_process";

/**
 * Safety net after the tests' own clean-up: nothing labelled with this run
 * (berth.test=<run id>, set through BERTH_TEST_RUN_ID) survives it. Shared by the vitest
 * integration setup and the Playwright teardown.
 */
export function removeDockerObjects(runId: string) {
  const filter = `label=berth.test=${runId}`;
  const ids = (args: string[]) =>
    execFileSync("docker", args, { encoding: "utf8" })
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean);
  const containers = ids(["ps", "-aq", "--filter", filter]);
  if (containers.length) execFileSync("docker", ["rm", "-f", "-v", ...containers], { stdio: "pipe" });
  const volumes = ids(["volume", "ls", "-q", "--filter", filter]);
  if (volumes.length) execFileSync("docker", ["volume", "rm", "-f", ...volumes], { stdio: "pipe" });
  // One at a time, and a network still in use is left (reported): a portal that is still
  // shutting down may have attached its edge again; scripts/test.sh sweeps once more after it.
  for (const network of ids(["network", "ls", "-q", "--filter", filter])) {
    try {
      execFileSync("docker", ["network", "rm", network], { stdio: "pipe" });
    } catch (error) {
      console.warn(`[cleanup] network ${network} left: ${String((error as { stderr?: unknown }).stderr ?? error).trim()}`);
    }
  }
}
