import { describe, expect, it } from "vitest";
import { actorFromBearer } from "@/lib/auth/bearer";
import { db } from "@/lib/db";
import { ServiceError } from "@/lib/errors";
import { signInRules } from "@/lib/auth/login-throttle";
import { checkPassword } from "@/lib/auth/sign-in";
import { createTokenWithPassword, listTokens, revokeToken } from "@/lib/services/tokens";
import { updateUser } from "@/lib/services/users";
import { TEST_PASSWORD, actorOf, client, makeActor, makeUser } from "./fixtures";

const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });

describe("password sign-in", () => {
  it("records success and failure, and throttles an account at an address after 5 failures with a retry time", async () => {
    const user = await makeUser("member");
    const ok = await checkPassword(user.email, TEST_PASSWORD, { ...client, ip: "10.99.0.1" });
    expect(ok.userId).toBe(user.id);
    // From one address: failures spread over addresses no longer lock the account everywhere
    // (that let a stranger lock the owner out; test/integration/sign-in.int.test.ts).
    for (let i = 0; i < 5; i++) {
      await expect(checkPassword(user.email, "wrong password", { ...client, ip: "10.99.1.1" })).rejects.toMatchObject({ code: "unauthorized" });
    }
    // Even the right password is refused while the account is throttled at that address.
    const error = await checkPassword(user.email, TEST_PASSWORD, { ...client, ip: "10.99.1.1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe("rate_limited");
    expect((error as ServiceError).retryAfter).toBeGreaterThan(0);
    expect((error as ServiceError).message).toMatch(/Too many attempts — try again in \d+ minutes?/);
    const events = await db.activityEvent.findMany({ where: { actorEmail: user.email, action: "auth.login" }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.outcome)).toEqual(["allowed", "denied", "denied", "denied", "denied", "denied", "denied"]);
    expect(events[1].reason).toBe("wrong email or password");
    expect(events[6].reason).toMatch(/rate limited/);
    expect(events.every((e) => !(e.details ?? "").includes("wrong password"))).toBe(true);
  });

  it("throttles a client address across accounts", async () => {
    const ip = "10.98.0.7";
    const limit = signInRules().address.limit;
    for (let i = 0; i < limit; i++) {
      await checkPassword(`nobody-${i}@test.berth`, "x", { ...client, ip }).catch(() => undefined);
    }
    const user = await makeUser("member");
    await expect(checkPassword(user.email, TEST_PASSWORD, { ...client, ip })).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("a disabled user cannot sign in, with the same message as a wrong password", async () => {
    const admin = await makeActor("admin");
    const user = await makeUser("member");
    await updateUser(admin, user.id, { disabled: true });
    await expect(checkPassword(user.email, TEST_PASSWORD, client)).rejects.toMatchObject({
      code: "unauthorized",
      message: "Wrong email or password.",
    });
  });
});

describe("API tokens", () => {
  it("are stored only as hashes, act as their user now, and stop on revoke or disable", async () => {
    const admin = await makeActor("admin");
    const user = await makeUser("member");
    const created = await createTokenWithPassword({ email: user.email, password: TEST_PASSWORD, name: "ci", expiresInDays: 7 }, client);
    expect(created.token).toMatch(/^berth_/);
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).not.toContain(created.token);
    expect(JSON.stringify(row)).not.toContain(created.token);

    const actor = await actorFromBearer(bearer(created.token));
    expect(actor).toMatchObject({ kind: "token", userId: user.id, tokenId: created.id, role: "member" });

    await updateUser(admin, user.id, { role: "operator" });
    expect((await actorFromBearer(bearer(created.token))).role).toBe("operator");

    await updateUser(admin, user.id, { disabled: true });
    await expect(actorFromBearer(bearer(created.token))).rejects.toMatchObject({ code: "unauthorized" });
    await updateUser(admin, user.id, { disabled: false });

    const owner = await actorOf(user);
    expect((await listTokens(owner)).map((t) => t.id)).toContain(created.id);
    await revokeToken(owner, created.id);
    await expect(actorFromBearer(bearer(created.token))).rejects.toMatchObject({ code: "unauthorized" });
    expect((await listTokens(owner)).map((t) => t.id)).not.toContain(created.id);
  });

  it("one user cannot see or revoke another's token", async () => {
    const a = await makeUser("member");
    const b = await actorOf(await makeUser("member"));
    const created = await createTokenWithPassword({ email: a.email, password: TEST_PASSWORD }, client);
    expect((await listTokens(b)).map((t) => t.id)).not.toContain(created.id);
    await expect(revokeToken(b, created.id)).rejects.toMatchObject({ code: "not_found" });
    expect((await actorFromBearer(bearer(created.token))).userId).toBe(a.id);
  });

  it("rejects malformed and unknown tokens as unauthorized", async () => {
    await expect(actorFromBearer(new Headers())).rejects.toMatchObject({ code: "unauthorized" });
    await expect(actorFromBearer(bearer("berth_" + "A".repeat(43)))).rejects.toMatchObject({ code: "unauthorized" });
    await expect(actorFromBearer(new Headers({ authorization: "Basic abc" }))).rejects.toMatchObject({ code: "unauthorized" });
  });
});
