import { describe, expect, it } from "vitest";
import { addImageSchema, imageRefProblem } from "@/lib/schemas/image";

const digest = "sha256:" + "a".repeat(64);

describe("image reference validation", () => {
  it.each([
    "busybox",
    "berth/shell:1",
    "library/nginx:1.27-alpine",
    "127.0.0.1:5000/berth-test/shell:abc123",
    "localhost:5000/team/app",
    "Registry.Example.com/team/app:v1.2.3",
    "ghcr.io/org/sub/app:Latest_2",
    `ghcr.io/org/app@${digest}`,
    `ghcr.io/org/app:1@${digest}`,
    "a__b/c.d/e--f:t",
    "x".repeat(200) + ":1",
  ])("accepts %s", (ref) => {
    expect(imageRefProblem(ref)).toBeNull();
  });

  it.each([
    ["", "enter an image reference"],
    ["x".repeat(256), "at most 255 characters"],
    ["berth/shell :1", "spaces or control characters"],
    ["berth/shell\n:1", "spaces or control characters"],
    ["berth/shell\u0000", "spaces or control characters"],
    ["Berth/Shell:1", "must be lowercase"],
    ["ghcr.io/Org/app", "must be lowercase"],
    ["app@sha256:abc", "64 lowercase hex digits"],
    [`app@sha256:${"A".repeat(64)}`, "64 lowercase hex digits"],
    ["app@md5:" + "a".repeat(32), "64 lowercase hex digits"],
    ["app:", "not a valid image reference"],
    [":1", "not a valid image reference"],
    ["team//app", "not a valid image reference"],
    ["-app", "not a valid image reference"],
    ["app_:1", "not a valid image reference"],
    ["app:-tag", "not a valid image reference"],
    ["app:" + "t".repeat(129), "not a valid image reference"],
    ["http://registry/app", "not a valid image reference"],
  ])("rejects %j (%s)", (ref, message) => {
    expect(imageRefProblem(ref)).toContain(message);
  });
});

describe("addImageSchema", () => {
  it("accepts the full shape", () => {
    const input = { ref: "berth/shell:1", name: " Shell ", description: "d", defaultPort: 8080, defaultCommand: ["sh", "-c", ""] };
    expect(addImageSchema.parse(input)).toEqual({ ...input, name: "Shell" });
  });

  it("rejects unknown fields, bad ports, and bad commands, each on its path", () => {
    const result = addImageSchema.safeParse({
      ref: "Bad Ref",
      name: "",
      defaultPort: 70000,
      defaultCommand: ["ok", "nul\u0000"],
      HostConfig: {},
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["ref", "name", "defaultPort", "defaultCommand.1", ""]));
  });

  it.each([0, 1.5, "80"])("rejects the port %j", (defaultPort) => {
    expect(addImageSchema.safeParse({ ref: "a", name: "a", defaultPort }).success).toBe(false);
  });

  it("limits the command to 64 arguments of 4096 characters", () => {
    expect(addImageSchema.safeParse({ ref: "a", name: "a", defaultCommand: Array(65).fill("x") }).success).toBe(false);
    expect(addImageSchema.safeParse({ ref: "a", name: "a", defaultCommand: ["x".repeat(4097)] }).success).toBe(false);
    expect(addImageSchema.safeParse({ ref: "a", name: "a", defaultCommand: Array(64).fill("x".repeat(4096)) }).success).toBe(true);
  });
});
