import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildTar, splitUstarPath } from "./tar";

describe("buildTar", () => {
  it("writes an archive that GNU tar lists and extracts byte for byte", () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-tar-"));
    try {
      const long = `${"d".repeat(90)}/${"e".repeat(90)}/file.txt`;
      const big = Buffer.alloc(1500, 7);
      writeFileSync(
        join(dir, "a.tar"),
        buildTar([
          { path: "index.html", data: Buffer.from("<h1>hi</h1>") },
          { path: long, data: big },
        ]),
      );
      const listing = execFileSync("tar", ["-tvf", join(dir, "a.tar")], { encoding: "utf8" });
      expect(listing).toContain("index.html");
      expect(listing).toMatch(/^-rw-r--r--/);
      execFileSync("tar", ["-xf", join(dir, "a.tar"), "-C", dir]);
      expect(readFileSync(join(dir, "index.html"), "utf8")).toBe("<h1>hi</h1>");
      expect(readFileSync(join(dir, long))).toEqual(big);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("splits long paths at a slash and refuses what ustar cannot hold", () => {
    expect(splitUstarPath("short")).toEqual({ prefix: "", name: "short" });
    expect(splitUstarPath(`${"a".repeat(120)}/b`)).toEqual({ prefix: "a".repeat(120), name: "b" });
    expect(() => splitUstarPath("x".repeat(120))).toThrow(/too long/);
  });
});
