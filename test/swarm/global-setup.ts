import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import type { TestProject } from "vitest/node";
import integrationSetup from "../integration/global-setup";
import { removeSwarmObjects } from "../support/swarm-cleanup";

/**
 * The Swarm stage (scripts/test.sh): the integration stage's database and run id, plus the
 * local Swarm that `scripts/swarm.sh up` made. Its settings come from the environment when
 * the caller sourced the env file, else from that file; without either the stage fails here,
 * loudly: a Swarm test never passes by skipping.
 */
const SWARM_KEYS = ["BERTH_ENGINE", "BERTH_SWARM_MANAGER", "BERTH_SWARM_NODES", "BERTH_EDGE_ADDRESS", "BERTH_SWARM_DIR"] as const;

function swarmEnv(): Record<string, string> {
  if (process.env.BERTH_ENGINE === "swarm" && process.env.BERTH_SWARM_MANAGER && process.env.BERTH_SWARM_NODES) {
    return Object.fromEntries(SWARM_KEYS.filter((k) => process.env[k]).map((k) => [k, process.env[k]!]));
  }
  const file = `${process.env.BERTH_SWARM_DIR || "/tmp/berth-swarm"}/env`;
  if (!existsSync(file)) {
    throw new Error(`The Swarm tests need a local Swarm and there is none (${file} is missing): run \`bash scripts/swarm.sh up 2\` first.`);
  }
  const env: Record<string, string> = {};
  for (const match of readFileSync(file, "utf8").matchAll(/^export (\w+)='([^']*)'$|^export (\w+)=(\S+)$/gm)) {
    env[match[1] ?? match[3]] = match[2] ?? match[4];
  }
  if (env.BERTH_ENGINE !== "swarm" || !env.BERTH_SWARM_MANAGER || !env.BERTH_SWARM_NODES) {
    throw new Error(`${file} does not describe a Swarm (BERTH_ENGINE, BERTH_SWARM_MANAGER, BERTH_SWARM_NODES)`);
  }
  return env;
}

export default function setup(project: TestProject) {
  const env = swarmEnv();
  const nodes = Object.values(JSON.parse(env.BERTH_SWARM_NODES) as Record<string, string>);
  let ready: string[];
  try {
    ready = execFileSync("docker", ["--host", env.BERTH_SWARM_MANAGER, "node", "ls", "--format", "{{.Status}}"], { encoding: "utf8", stdio: "pipe" })
      .split("\n")
      .filter((s) => s.trim() === "Ready");
  } catch (error) {
    throw new Error(
      `The Swarm's manager (${env.BERTH_SWARM_MANAGER}) does not answer: ${String((error as { stderr?: unknown }).stderr ?? error).trim()}`,
    );
  }
  if (ready.length < 2) throw new Error(`The Swarm tests need at least 2 ready nodes; the manager reports ${ready.length}.`);
  project.provide("swarmEnv", env);
  const teardownIntegration = integrationSetup(project);
  return () => {
    removeSwarmObjects(project.getProvidedContext().runId, env.BERTH_SWARM_MANAGER, nodes);
    teardownIntegration();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    swarmEnv: Record<string, string>;
  }
}
