import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument, operations } from "@/lib/api/openapi";

const apiRoot = path.join(process.cwd(), "app", "api", "v1");

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

describe("OpenAPI document", () => {
  it("lists every method of every route file under app/api/v1", () => {
    const documented = new Set(operations.map((op) => `${op.method.toUpperCase()} ${op.path}`));
    const missing: string[] = [];
    for (const file of routeFiles(apiRoot)) {
      const apiPath =
        "/" +
        path
          .relative(apiRoot, path.dirname(file))
          .split(path.sep)
          .map((s) => s.replace(/^\[(\w+)\]$/, "{$1}"))
          .join("/");
      const source = readFileSync(file, "utf8");
      for (const [, method] of source.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)) {
        if (!documented.has(`${method} ${apiPath}`)) missing.push(`${method} ${apiPath}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("documents no operation that has no route file", () => {
    const files = new Set(
      routeFiles(apiRoot).map(
        (f) =>
          "/" +
          path
            .relative(apiRoot, path.dirname(f))
            .split(path.sep)
            .map((s) => s.replace(/^\[(\w+)\]$/, "{$1}"))
            .join("/"),
      ),
    );
    expect(operations.map((op) => op.path).filter((p) => !files.has(p))).toEqual([]);
  });

  it("publishes request bodies that reject unknown fields", () => {
    const doc = openApiDocument();
    for (const op of operations.filter((o) => o.body)) {
      const method = (doc.paths[op.path] as Record<string, { requestBody: { content: Record<string, { schema: { $ref?: string } }> } }>)[op.method];
      const schema = method.requestBody.content[op.bodyContentType ?? "application/json"].schema;
      const resolved = schema.$ref
        ? (doc.components.schemas[schema.$ref.split("/").pop() ?? ""] as Record<string, unknown>)
        : (schema as Record<string, unknown>);
      expect(resolved.additionalProperties, `${op.method} ${op.path}`).toBe(false);
    }
  });
});
