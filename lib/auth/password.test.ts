import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { hashKind, hashPassword, needsRehash, verifyPassword } from "./password";

describe("password hashing", () => {
  it("hashes with argon2id at OWASP's baseline cost, salted", async () => {
    const a = await hashPassword("correct horse");
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hashPassword("correct horse")).not.toBe(a);
    expect(hashKind(a)).toBe("argon2id");
    expect(needsRehash(a)).toBe(false);
  });

  it("verifies argon2id hashes", async () => {
    const stored = await hashPassword("correct horse");
    expect(await verifyPassword("correct horse", stored)).toBe(true);
    expect(await verifyPassword("correct hors", stored)).toBe(false);
  });

  it("still verifies bcrypt hashes from before, and marks them for an upgrade", async () => {
    const legacy = bcrypt.hashSync("correct horse", 4);
    expect(hashKind(legacy)).toBe("bcrypt");
    expect(needsRehash(legacy)).toBe(true);
    expect(await verifyPassword("correct horse", legacy)).toBe(true);
    expect(await verifyPassword("wrong", legacy)).toBe(false);
  });

  it("argon2id hashes at other costs are upgraded too", () => {
    expect(needsRehash("$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")).toBe(true);
  });

  it("a missing or unreadable hash never matches", async () => {
    expect(await verifyPassword("berth-dummy-password", null)).toBe(false);
    expect(await verifyPassword("x", "")).toBe(false);
    expect(await verifyPassword("x", "$argon2id$garbage")).toBe(false);
    expect(await verifyPassword("x", "plaintext")).toBe(false);
    expect(hashKind("plaintext")).toBe("unknown");
  });
});
