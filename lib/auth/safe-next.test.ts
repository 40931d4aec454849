import { describe, expect, it } from "vitest";
import { safeNextPath } from "@/lib/auth/safe-next";

describe("safeNextPath", () => {
  it.each([
    ["/containers/abc", "/containers/abc"],
    ["/activity?tenantId=t1&outcome=denied", "/activity?tenantId=t1&outcome=denied"],
    ["/", "/"],
  ])("keeps the same-site path %s", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it.each([
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/.//evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
    undefined,
    null,
    42,
  ])("sends %j to the start page", (next) => {
    expect(safeNextPath(next)).toBe("/");
  });
});
