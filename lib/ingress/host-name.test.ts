import { describe, expect, it } from "vitest";
import { appLabel, MAX_LABEL } from "./host-name";

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

describe("appLabel", () => {
  it("names the first HTTPS port <name>--<tenant> and further ones <port>--<name>--<tenant>", () => {
    expect(appLabel("web", "acme", 8080, 0)).toBe("web--acme");
    expect(appLabel("web", "acme", 9000, 1)).toBe("9000--web--acme");
  });

  it("keeps tenant a-b's app c apart from tenant a's app b-c", () => {
    expect(appLabel("c", "a-b", 80, 0)).not.toBe(appLabel("b-c", "a", 80, 0));
    expect(appLabel("a-b", "c", 80, 0)).not.toBe(appLabel("a", "b-c", 80, 0));
  });

  it("hashes names that would make the split ambiguous, and the result has no --", () => {
    const one = appLabel("a--b", "c", 80, 0);
    const two = appLabel("a", "b--c", 80, 0);
    expect(one).not.toBe(two);
    expect(one).not.toContain("--");
    expect(appLabel("web-", "acme", 80, 0)).not.toContain("--");
  });

  it("stays one DNS label of at most 63 characters for the longest names", () => {
    const name = "a".repeat(41);
    const slug = "b".repeat(31);
    for (const index of [0, 1]) {
      const label = appLabel(name, slug, 65535, index);
      expect(label.length).toBeLessThanOrEqual(MAX_LABEL);
      expect(label).toMatch(DNS_LABEL);
      expect(label).not.toContain("--");
    }
    expect(appLabel(name, slug, 80, 0)).not.toBe(appLabel(name, slug, 81, 1));
  });

  it("is injective over a sample of awkward names and slugs", () => {
    const parts = ["a", "b", "a-b", "b-c", "a--b", "b--c", "a-", "-b", "ab", "1", "9000", "x-9000"];
    const seen = new Map<string, string>();
    for (const name of parts.filter((p) => !p.startsWith("-")))
      for (const slug of parts.filter((p) => !p.startsWith("-") && p.length >= 2))
        for (const [port, index] of [
          [80, 0],
          [9000, 1],
        ]) {
          const label = appLabel(name, slug, port, index);
          expect(label).toMatch(DNS_LABEL);
          const key = `${name}|${slug}|${index === 0 ? "" : port}`;
          expect(seen.get(label) ?? key, label).toBe(key);
          seen.set(label, key);
        }
  });
});
