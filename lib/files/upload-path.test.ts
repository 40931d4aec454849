import { describe, expect, it } from "vitest";
import { uploadPathProblem } from "./upload-path";

describe("uploadPathProblem", () => {
  it.each(["index.html", "css/site.css", "a/b/c/d.txt", "naïve.txt", "with space.html"])("accepts %j", (path) => {
    expect(uploadPathProblem(path)).toBeUndefined();
  });
  it.each([
    ["", "name"],
    ["../x", '".."'],
    ["a/../../x", '".."'],
    ["..", '".."'],
    ["./x", '"."'],
    ["/etc/passwd", "absolute"],
    ["a//b", "empty"],
    ["a/", "empty"],
    ["a\\..\\x", "backslash"],
    ["evil\nname", "control"],
    ["nul\u0000", "control"],
    ["x".repeat(101), "longer"],
    ["a/".repeat(8) + "x", "levels"],
  ])("refuses %j", (path, why) => {
    expect(uploadPathProblem(path)).toContain(why);
  });
});
