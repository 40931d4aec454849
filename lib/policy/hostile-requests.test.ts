import { describe, expect, test } from "vitest";
import { assertCreateOptions } from "./assert-create-options";
import { buildCreateOptions } from "./build-create-options";
import { parseLaunchRequest, type LaunchRequest } from "./launch-request";
import type { TenantContext } from "./tenant-context";
import { violation, type Violation } from "./violation";
import { sampleContext, sampleScope } from "./__fixtures__/sample";
import corpusModule from "./__fixtures__/hostile-requests.json";

interface HostileEntry {
  why: string;
  request: unknown;
  expectPath?: string;
}

// Re-parsed with JSON.parse so "__proto__" keys are own properties, exactly as a request
// body parsed by the API would have them.
const corpus = JSON.parse(JSON.stringify(corpusModule)) as HostileEntry[];

const CATALOG = [
  { id: "img1", ref: "berth-policy-helper:test" },
  { id: "img2", ref: "registry.local/berth/nginx:1.27" },
] as const;

/** The service layer's catalog lookup, as the test models it. */
function lookupCatalogImage(req: LaunchRequest): TenantContext["image"] | undefined {
  const found = CATALOG.find((img) => (req.imageId !== undefined ? img.id === req.imageId : img.ref === req.image));
  return found === undefined ? undefined : { ...found };
}

function contextFor(req: LaunchRequest, image: TenantContext["image"]): TenantContext {
  return sampleContext({
    containerName: req.name,
    image,
    hostPorts: req.ports.map((p, i) => ({ ...p, hostPort: 20000 + i })),
    volumes: { data: "berth-acme-data", cache: "berth-acme-cache" },
  });
}

type Outcome = { accepted: true } | { accepted: false; violations: Violation[] };

function launch(request: unknown): Outcome {
  const parsed = parseLaunchRequest(request);
  if (!parsed.ok) return { accepted: false, violations: parsed.violations };
  const image = lookupCatalogImage(parsed.value);
  if (image === undefined) {
    const field = parsed.value.imageId !== undefined ? "imageId" : "image";
    return { accepted: false, violations: [violation("O2", field, "is not in the catalog")] };
  }
  const built = buildCreateOptions(parsed.value, contextFor(parsed.value, image));
  return built.ok ? { accepted: true } : { accepted: false, violations: built.violations };
}

describe("hostile launch requests", () => {
  test("the corpus is large and really carries own __proto__ keys", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    expect(
      corpus.some((e) => typeof e.request === "object" && e.request !== null && Object.prototype.hasOwnProperty.call(e.request, "__proto__")),
    ).toBe(true);
  });

  test.each(corpus.map((e, i) => [i, e.why, e] as const))("#%i %s is refused with a field path", (_, __, entry) => {
    const outcome = launch(entry.request);
    expect(outcome.accepted, "accepted by parse + construct").toBe(false);
    if (outcome.accepted) return;
    expect(outcome.violations.length).toBeGreaterThan(0);
    for (const v of outcome.violations) {
      expect(v.path).not.toBe("");
      expect(v.message).not.toBe("");
    }
    if (entry.expectPath !== undefined) expect(outcome.violations.map((v) => v.path)).toContain(entry.expectPath);
  });

  test("nothing in the corpus polluted Object.prototype", () => {
    const probe: Record<string, unknown> = {};
    for (const key of ["Privileged", "polluted", "isAdmin", "hostPort", "type", "User", "Source"]) expect(probe[key]).toBeUndefined();
  });

  test("an off-catalog image that slipped past the lookup is still caught by the assertion", () => {
    const offCatalog = corpus.filter((e) => e.expectPath === "image");
    let checked = 0;
    for (const entry of offCatalog) {
      const parsed = parseLaunchRequest(entry.request);
      if (!parsed.ok || parsed.value.image === undefined) continue;
      // Simulate a service bug: the requested reference is used as if it were the catalog's.
      const forged = buildCreateOptions(parsed.value, contextFor(parsed.value, { id: "forged", ref: parsed.value.image }));
      expect(forged.ok).toBe(true);
      if (!forged.ok) continue;
      const scope = sampleScope({ allowedImageRefs: CATALOG.map((c) => c.ref), requireHealthcheck: true });
      expect(assertCreateOptions(forged.options, scope).map((v) => v.control)).toContain("O2");
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});
