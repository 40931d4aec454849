import { describe, expect, it } from "vitest";
import { submittedValues } from "@/lib/forms/form-errors";

describe("submittedValues", () => {
  const form = new FormData();
  form.set("email", "ada@example.org");
  form.set("password", "correct horse battery");
  form.set("role", "member");
  form.set("membership:t1", "owner");
  form.set("membership:t2", "");
  form.set("avatar", new Blob(["x"]), "a.png");

  it("keeps only the fields named, by name or by prefix", () => {
    expect(submittedValues(form, ["email", "role", "membership:*"])).toEqual({
      email: "ada@example.org",
      role: "member",
      "membership:t1": "owner",
      "membership:t2": "",
    });
  });

  it("never returns a field that is not named (a password), nor a file", () => {
    const values = submittedValues(form, ["email", "avatar"]);
    expect(values).toEqual({ email: "ada@example.org" });
    expect(JSON.stringify(values)).not.toContain("horse");
  });
});
