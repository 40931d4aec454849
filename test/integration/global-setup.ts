import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

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
  project.provide("runId", `int-${process.pid}-${Date.now().toString(36)}`);
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    runId: string;
  }
}
