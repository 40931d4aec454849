import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { removeDockerObjects } from "../support/docker-cleanup";

/**
 * A real SQLite file in a temp folder, migrated with the committed migrations exactly as
 * `npm run up` does, shared by the integration files (they run one at a time).
 */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "berth-int-"));
  const databaseUrl = `file:${path.join(dir, "test.db")}`;
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: "pipe",
  });
  project.provide("databaseUrl", databaseUrl);
  // The activity log's checkpoint key and archive folder, as scripts/env.sh gives a server.
  project.provide("auditKey", randomBytes(32).toString("base64"));
  project.provide("archiveDir", path.join(dir, "archives"));
  const runId = `int-${process.pid}-${Date.now().toString(36)}`;
  project.provide("runId", runId);
  // A block of host ports of this run's own, so integration runs that overlap on one
  // engine (two checkouts, CI next to a developer) never hand out the same host port.
  const block = Math.floor(Math.random() * 90);
  project.provide("portRange", `${21000 + block * 100}-${21000 + block * 100 + 99}`);
  // The edge's HTTPS and HTTP ports, its folder and container name: this run's own too.
  project.provide("edge", { dir: path.join(dir, "edge"), httpsPort: 30000 + block * 2, httpPort: 30001 + block * 2, name: `berth-edge-${runId}` });
  return () => {
    removeDockerObjects(runId);
    rmSync(dir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    runId: string;
    portRange: string;
    auditKey: string;
    archiveDir: string;
    edge: { dir: string; httpsPort: number; httpPort: number; name: string };
  }
}
