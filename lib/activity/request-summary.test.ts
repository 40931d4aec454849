import { describe, expect, it } from "vitest";
import { requestSummary } from "./request-summary";

describe("requestSummary", () => {
  it("keeps field and env names, never values", () => {
    const summary = requestSummary({ name: "web", env: { DB_PASSWORD: "s3cret" }, Privileged: true });
    expect(summary).toEqual({ fields: ["name", "env", "Privileged"], envNames: ["DB_PASSWORD"] });
    expect(JSON.stringify(summary)).not.toContain("s3cret");
  });

  it("stays small for any amount of junk", () => {
    const junk = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`${"k".repeat(300)}${i}`, "v".repeat(1000)]));
    expect(JSON.stringify(requestSummary(junk)).length).toBeLessThan(3000);
  });

  it("says nothing about a body that is not an object", () => {
    expect(requestSummary("x".repeat(10_000))).toEqual({ fields: [] });
    expect(requestSummary(null)).toEqual({ fields: [] });
  });
});
