import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { actorNow } from "@/lib/auth/actor-now";
import { actorFromBearer } from "@/lib/auth/bearer";
import { loadActor } from "@/lib/auth/load-actor";
import { checkPassword } from "@/lib/auth/sign-in";
import { db } from "@/lib/db";
import { redeemConsoleTicket } from "@/lib/services/console";
import { changeOwnPassword, resetUserPassword } from "@/lib/services/passwords";
import { addTenantMember, listTenantMembers, removeTenantMember } from "@/lib/services/tenant-members";
import { createTenant } from "@/lib/services/tenants";
import { createTokenForSelf } from "@/lib/services/tokens";
import { actorOf, client, codeOf, makeActor, makeUser, TEST_PASSWORD, uniq } from "./fixtures";

const NEW_PASSWORD = "a completely new password";
const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });

/** A user with a session signed in a moment ago and an API token, as the portal sees them. */
async function signedInUser(role: "admin" | "member" = "member") {
  const user = await makeUser(role);
  const signedInAt = new Date(Date.now() - 1000);
  const session = await loadActor(user.id, client, undefined, signedInAt);
  if (!session) throw new Error("the fresh session should hold");
  const { token } = await createTokenForSelf(session, { name: "ci", expiresInDays: 7 });
  return { user, session, signedInAt, token };
}

describe("changing your own password", () => {
  it("ends the other sessions and every API token; a session signed in afterwards holds", async () => {
    const { user, session, signedInAt, token } = await signedInUser();
    expect(await actorFromBearer(bearer(token))).toMatchObject({ userId: user.id });

    await changeOwnPassword(session, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });

    // The session from before: signed out on its next request (lib/auth/session.ts) and on an open stream.
    expect(await loadActor(user.id, client, undefined, signedInAt)).toBeNull();
    expect(await actorNow(session)).toMatchObject({ ended: expect.stringContaining("password changed") });
    // A session from before sign-in times were kept counts as signed in at the epoch.
    expect(await loadActor(user.id, client, undefined, new Date(0))).toBeNull();
    expect(await codeOf(actorFromBearer(bearer(token)))).toBe("unauthorized");
    expect(await db.apiToken.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);

    // The new password signs in; the old one no longer does; the new session holds.
    expect(await codeOf(checkPassword(user.email, TEST_PASSWORD, { ...client, ip: "10.9.0.1" }))).toBe("unauthorized");
    await checkPassword(user.email, NEW_PASSWORD, { ...client, ip: "10.9.0.2" });
    expect(await loadActor(user.id, client, undefined, new Date())).toMatchObject({ userId: user.id });

    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    const [event] = await db.activityEvent.findMany({ where: { action: "user.password.change", actorId: user.id } });
    expect(event).toMatchObject({ outcome: "allowed", target: `user:${user.email}` });
    // Never a password in the log, in any form.
    expect(JSON.stringify(event)).not.toContain(NEW_PASSWORD);
    expect(JSON.parse(event.details ?? "{}")).toMatchObject({ tokensRevoked: 1, sessionsEnded: true });
  });

  it("refuses a wrong current password, changes nothing and records the refusal without the passwords", async () => {
    const { user, session, signedInAt, token } = await signedInUser();
    await expect(changeOwnPassword(session, { currentPassword: "not my password at all", newPassword: NEW_PASSWORD })).rejects.toMatchObject({
      code: "validation_failed",
      fields: [{ path: "currentPassword", message: expect.any(String) }],
    });
    await expect(changeOwnPassword(session, { currentPassword: TEST_PASSWORD, newPassword: "short" })).rejects.toMatchObject({
      fields: [expect.objectContaining({ path: "newPassword" })],
    });
    await expect(changeOwnPassword(session, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, role: "admin" })).rejects.toMatchObject({
      fields: [expect.objectContaining({ path: "role" })],
    });
    expect(await loadActor(user.id, client, undefined, signedInAt)).not.toBeNull();
    expect(await actorFromBearer(bearer(token))).toMatchObject({ userId: user.id });
    const events = await db.activityEvent.findMany({ where: { action: "user.password.change", actorId: user.id } });
    expect(events.map((e) => e.outcome)).toEqual(["denied", "denied", "denied"]);
    expect(JSON.stringify(events)).not.toContain("not my password at all");
  });

  it("a console ticket made by a session from before the change no longer opens", async () => {
    const admin = await makeActor("admin");
    const tenant = await createTenant(admin, { name: "Console", slug: uniq("console") });
    const user = await makeUser("member", [{ tenantId: tenant.id, role: "member" }]);
    const session = await loadActor(user.id, client, undefined, new Date(Date.now() - 1000));
    const container = await db.container.create({
      data: {
        tenantId: tenant.id,
        name: "c",
        imageRef: "busybox",
        status: "running",
        memoryMb: 16,
        cpuMillis: 50,
        readOnlyRootfs: true,
        restart: "no",
      },
    });
    const ticket = uniq("ticket");
    await db.consoleTicket.create({
      data: {
        ticketHash: createHash("sha256").update(ticket).digest("hex"),
        userId: user.id,
        containerId: container.id,
        cols: 80,
        rows: 24,
        expiresAt: new Date(Date.now() + 30_000),
        createdAt: new Date(Date.now() - 500),
      },
    });
    await changeOwnPassword(session!, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    await expect(redeemConsoleTicket(ticket, client)).rejects.toMatchObject({
      code: "unauthorized",
      message: expect.stringContaining("password changed"),
    });
  });

  it("allows five tries in fifteen minutes, refused or not", async () => {
    const { session } = await signedInUser();
    for (let i = 0; i < 5; i++)
      expect(await codeOf(changeOwnPassword(session, { currentPassword: "wrong guess", newPassword: NEW_PASSWORD }))).toBe("validation_failed");
    expect(await codeOf(changeOwnPassword(session, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }))).toBe("rate_limited");
  });
});

describe("an admin resetting a password", () => {
  it("ends every session and token of that user, and only of that user", async () => {
    const admin = await signedInUser("admin");
    const target = await signedInUser();
    const bystander = await signedInUser();
    await resetUserPassword(admin.session, target.user.id, { password: NEW_PASSWORD });

    expect(await loadActor(target.user.id, client, undefined, target.signedInAt)).toBeNull();
    expect(await codeOf(actorFromBearer(bearer(target.token)))).toBe("unauthorized");
    await checkPassword(target.user.email, NEW_PASSWORD, { ...client, ip: "10.9.0.3" });
    // The admin's own and anyone else's sessions and tokens are untouched.
    expect(await loadActor(admin.user.id, client, undefined, admin.signedInAt)).not.toBeNull();
    expect(await actorFromBearer(bearer(bystander.token))).toMatchObject({ userId: bystander.user.id });
    const [event] = await db.activityEvent.findMany({ where: { action: "user.password.reset", actorId: admin.user.id } });
    expect(event).toMatchObject({ outcome: "allowed", target: `user:${target.user.email}` });
  });

  it("is for admins only, not on the admin's own account, and an unknown user is not_found", async () => {
    const admin = await makeActor("admin");
    const operator = await makeActor("operator");
    const member = await makeActor("member");
    const target = await makeUser("member");
    expect(await codeOf(resetUserPassword(operator, target.id, { password: NEW_PASSWORD }))).toBe("forbidden");
    expect(await codeOf(resetUserPassword(member, target.id, { password: NEW_PASSWORD }))).toBe("forbidden");
    expect(await codeOf(resetUserPassword(admin, admin.userId, { password: NEW_PASSWORD }))).toBe("conflict");
    expect(await codeOf(resetUserPassword(admin, "c-no-such-user", { password: NEW_PASSWORD }))).toBe("not_found");
    // Nothing changed for the target: the old password still signs in.
    await checkPassword(target.email, TEST_PASSWORD, { ...client, ip: "10.9.0.4" });
  });
});

describe("tenant members", () => {
  it("an admin adds by email or id and removes; access follows at once; both are recorded in the tenant's feed", async () => {
    const admin = await makeActor("admin");
    const tenant = await createTenant(admin, { name: "Crew", slug: uniq("crew") });
    const person = await makeUser("member");
    const added = await addTenantMember(admin, tenant.id, { email: person.email.toUpperCase(), role: "owner" });
    expect(added).toMatchObject({ userId: person.id, email: person.email, role: "owner" });
    expect((await actorOf(person)).memberships).toEqual([{ tenantId: tenant.id, role: "owner" }]);
    expect((await listTenantMembers(admin, tenant.id)).map((m) => m.userId)).toEqual([person.id]);

    expect(await codeOf(addTenantMember(admin, tenant.id, { userId: person.id, role: "member" }))).toBe("conflict");
    await removeTenantMember(admin, tenant.id, person.id);
    expect((await actorOf(person)).memberships).toEqual([]);
    expect(await codeOf(removeTenantMember(admin, tenant.id, person.id))).toBe("not_found");

    const events = await db.activityEvent.findMany({
      where: { tenantId: tenant.id, action: { startsWith: "tenant.member." } },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => [e.action, e.outcome, e.target])).toEqual([
      ["tenant.member.add", "allowed", `user:${person.email}`],
      ["tenant.member.add", "denied", `user:${person.id}`],
      ["tenant.member.remove", "allowed", `user:${person.email}`],
      ["tenant.member.remove", "denied", `user:${person.id}`],
    ]);
  });

  it("owners, members and operators cannot add or remove members; bad input names its field", async () => {
    const admin = await makeActor("admin");
    const tenant = await createTenant(admin, { name: "Locked", slug: uniq("locked") });
    const owner = await makeActor("member", [{ tenantId: tenant.id, role: "owner" }]);
    const plain = await makeActor("member", [{ tenantId: tenant.id, role: "member" }]);
    const operator = await makeActor("operator");
    const outsider = await makeUser("member");
    for (const actor of [owner, plain, operator]) {
      expect(await codeOf(addTenantMember(actor, tenant.id, { userId: outsider.id, role: "owner" }))).toBe("forbidden");
      expect(await codeOf(removeTenantMember(actor, tenant.id, plain.userId))).toBe("forbidden");
    }
    expect(await codeOf(listTenantMembers(owner, tenant.id))).toBe("forbidden");
    expect(await db.membership.count({ where: { tenantId: tenant.id } })).toBe(2);

    await expect(addTenantMember(admin, tenant.id, { email: `${uniq("ghost")}@test.berth`, role: "member" })).rejects.toMatchObject({
      code: "validation_failed",
      fields: [{ path: "email", message: "no such user" }],
    });
    await expect(addTenantMember(admin, tenant.id, { role: "member" })).rejects.toMatchObject({
      fields: [expect.objectContaining({ path: "email" })],
    });
    await expect(addTenantMember(admin, tenant.id, { userId: outsider.id, role: "admin" })).rejects.toMatchObject({
      fields: [expect.objectContaining({ path: "role" })],
    });
    expect(await codeOf(addTenantMember(admin, "c-no-such-tenant", { userId: outsider.id, role: "member" }))).toBe("not_found");
  });
});
