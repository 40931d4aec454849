import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

// The layer rules in eslint.config.mjs, run through ESLint's own API: deleting or narrowing
// one of them makes this fail. (The files need not exist; ESLint picks the config by path.)

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
});

/** The import sources that `no-restricted-imports` reports for `code` linted as `filePath`. */
async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  expect(result.messages.filter((m) => m.fatal)).toEqual([]);
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message.match(/^'([^']+)'/)?.[1] ?? m.message);
}

const imports = (...sources: string[]) => sources.map((s, i) => `import * as m${i} from "${s}";\nexport { m${i} };\n`).join("");

describe("layer rules (eslint.config.mjs)", { timeout: 60_000 }, () => {
  it("components never import app/", async () => {
    const code = imports("@/app/(console)/layout", "../app/api/v1/health/route", "@/lib/actions/containers");
    expect(await restricted("components/x.tsx", code)).toEqual(["@/app/(console)/layout", "../app/api/v1/health/route"]);
  });

  it("activity, reconciler, quota, policy, docker and auth never import lib/services", async () => {
    const code = imports("@/lib/services/users", "../services/tenants", "@/lib/prisma-errors");
    for (const dir of ["activity", "reconciler", "quota", "policy", "docker", "auth"]) {
      expect(await restricted(`lib/${dir}/x.ts`, code), dir).toEqual(["@/lib/services/users", "../services/tenants"]);
    }
    expect(await restricted("app/api/v1/x/route.ts", code)).toEqual([]);
  });

  it("lib/policy imports nothing with I/O; its tests may", async () => {
    const io = [
      "node:fs",
      "fs",
      "fs/promises",
      "child_process",
      "net",
      "http",
      "@/lib/db",
      "@/lib/docker/client",
      "@/lib/generated/prisma/client",
      "server-only",
    ];
    const code = imports(...io, "dockerode", "zod", "./violation");
    expect(await restricted("lib/policy/x.ts", code)).toEqual([...io, "dockerode"]);
    expect(await restricted("lib/policy/x.test.ts", imports("node:fs", "fast-check"))).toEqual([]);
  });

  it("only lib/docker imports dockerode or docker-modem", async () => {
    const code = imports("dockerode", "docker-modem", "docker-modem/lib/modem");
    const outside = [
      "app/x.ts",
      "components/x.tsx",
      "lib/services/x.ts",
      "lib/activity/x.ts",
      "lib/policy/x.test.ts",
      "bench/x.ts",
      "test/unit/x.test.ts",
    ];
    for (const file of outside) {
      expect(await restricted(file, code), file).toEqual(["dockerode", "docker-modem", "docker-modem/lib/modem"]);
    }
    expect(await restricted("lib/docker/x.ts", code)).toEqual([]);
  });
});
