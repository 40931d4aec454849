import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = process.cwd();
const skip = new Set(["node_modules", ".next", ".git", "generated", "test-results", "playwright-report", "data"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skip.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(entry.name) ? [full] : [];
  });
}

describe("the Docker daemon has one client: lib/docker", () => {
  it("no file outside lib/docker imports dockerode or docker-modem", () => {
    const offenders = sourceFiles(root)
      .map((file) => path.relative(root, file))
      .filter((rel) => !rel.startsWith(`lib${path.sep}docker${path.sep}`) && rel !== path.join("test", "unit", "dockerode-imports.test.ts"))
      .filter((rel) =>
        /(?:from\s+|import\s*\(\s*|require\s*\(\s*)["'](?:dockerode|docker-modem)["']/.test(readFileSync(path.join(root, rel), "utf8")),
      );
    expect(offenders).toEqual([]);
  });
});
