import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createTenant, getTenant, listTenants, updateTenant } from "@/lib/services/tenants";
import { createUser, getUser, updateUser } from "@/lib/services/users";
import { actorOf, codeOf, makeActor, makeUser, uniq } from "./fixtures";

describe("tenants", () => {
  it("an admin creates a tenant with a unique uid ≥ 20000 and the event is recorded", async () => {
    const admin = await makeActor("admin");
    const a = await createTenant(admin, { name: "Acme", slug: uniq("acme") });
    const b = await createTenant(admin, { name: "Beta", slug: uniq("beta") });
    const [ra, rb] = await Promise.all([db.tenant.findUniqueOrThrow({ where: { id: a.id } }), db.tenant.findUniqueOrThrow({ where: { id: b.id } })]);
    expect(ra.uid).toBeGreaterThanOrEqual(20000);
    expect(rb.uid).not.toBe(ra.uid);
    const events = await db.activityEvent.findMany({ where: { action: "tenant.create", tenantId: a.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: admin.userId, outcome: "allowed" });
  });

  it("refuses a taken slug as a conflict on the slug field", async () => {
    const admin = await makeActor("admin");
    const slug = uniq("dup");
    await createTenant(admin, { name: "One", slug });
    await expect(createTenant(admin, { name: "Two", slug })).rejects.toMatchObject({
      code: "conflict",
      fields: [{ path: "slug", message: "this slug is taken" }],
    });
  });

  it("rejects unknown fields and bad slugs, naming each field", async () => {
    const admin = await makeActor("admin");
    await expect(createTenant(admin, { name: "X", slug: "ok-slug", privileged: true })).rejects.toMatchObject({
      code: "validation_failed",
      fields: [{ path: "privileged", message: 'unknown field "privileged"' }],
    });
    await expect(createTenant(admin, { name: "X", slug: "Bad Slug" })).rejects.toMatchObject({
      code: "validation_failed",
      fields: [expect.objectContaining({ path: "slug" })],
    });
  });

  it("operators and members cannot create or change tenants", async () => {
    const admin = await makeActor("admin");
    const t = await createTenant(admin, { name: "Gamma", slug: uniq("gamma") });
    const operator = await makeActor("operator");
    const member = await makeActor("member", [{ tenantId: t.id, role: "owner" }]);
    expect(await codeOf(createTenant(operator, { name: "N", slug: uniq("n") }))).toBe("forbidden");
    expect(await codeOf(createTenant(member, { name: "N", slug: uniq("n") }))).toBe("forbidden");
    expect(await codeOf(updateTenant(operator, t.id, { suspended: true }))).toBe("forbidden");
  });

  it("members see only their own tenants; another tenant is not_found, never forbidden", async () => {
    const admin = await makeActor("admin");
    const mine = await createTenant(admin, { name: "Mine", slug: uniq("mine") });
    const other = await createTenant(admin, { name: "Other", slug: uniq("other") });
    const member = await makeActor("member", [{ tenantId: mine.id, role: "member" }]);
    const visible = await listTenants(member);
    expect(visible.map((t) => t.id)).toEqual([mine.id]);
    expect((await getTenant(member, mine.id)).id).toBe(mine.id);
    expect(await codeOf(getTenant(member, other.id))).toBe("not_found");
    expect(await codeOf(getTenant(member, "does-not-exist"))).toBe("not_found");
    const operator = await makeActor("operator");
    expect((await listTenants(operator)).map((t) => t.id)).toEqual(expect.arrayContaining([mine.id, other.id]));
  });

  it("suspends and renames, recording before and after", async () => {
    const admin = await makeActor("admin");
    const t = await createTenant(admin, { name: "Delta", slug: uniq("delta") });
    expect((await updateTenant(admin, t.id, { suspended: true })).suspended).toBe(true);
    expect((await updateTenant(admin, t.id, { name: "Delta 2" })).name).toBe("Delta 2");
    const actions = (await db.activityEvent.findMany({ where: { tenantId: t.id }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["tenant.create", "tenant.suspend", "tenant.update"]);
  });
});

describe("users", () => {
  it("creates a user with memberships and never returns or records the password", async () => {
    const admin = await makeActor("admin");
    const t = await createTenant(admin, { name: "Eps", slug: uniq("eps") });
    const email = `${uniq("new")}@test.berth`;
    const password = "planted-secret-password-42";
    const user = await createUser(admin, { email, password, role: "member", memberships: [{ tenantId: t.id, role: "owner" }] });
    expect(user).toEqual({ id: user.id, email, role: "member", disabled: false, memberships: [{ tenantId: t.id, role: "owner" }] });
    expect(JSON.stringify(user)).not.toContain("passwordHash");
    const rows = await db.activityEvent.findMany({ where: { action: "user.create" } });
    expect(rows.some((r) => (r.details ?? "").includes(password))).toBe(false);
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
    expect(stored.passwordHash).not.toContain(password);
  });

  it("refuses a duplicate email, a short password and a membership in a missing tenant", async () => {
    const admin = await makeActor("admin");
    const existing = await makeUser("member");
    await expect(createUser(admin, { email: existing.email, password: "long enough password", role: "member" })).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(createUser(admin, { email: `${uniq("x")}@test.berth`, password: "short", role: "member" })).rejects.toMatchObject({
      code: "validation_failed",
      fields: [expect.objectContaining({ path: "password" })],
    });
    await expect(
      createUser(admin, {
        email: `${uniq("x")}@test.berth`,
        password: "long enough password",
        role: "member",
        memberships: [{ tenantId: "nope", role: "member" }],
      }),
    ).rejects.toMatchObject({ code: "validation_failed", fields: [{ path: "memberships[0].tenantId", message: "no such tenant" }] });
  });

  it("role changes, memberships and disabling take effect on the next load of the actor", async () => {
    const admin = await makeActor("admin");
    const t = await createTenant(admin, { name: "Zeta", slug: uniq("zeta") });
    const user = await makeUser("member");
    expect((await actorOf(user)).memberships).toEqual([]);
    await updateUser(admin, user.id, { role: "operator", memberships: [{ tenantId: t.id, role: "member" }] });
    const again = await actorOf(user);
    expect(again.role).toBe("operator");
    expect(again.memberships).toEqual([{ tenantId: t.id, role: "member" }]);
    await updateUser(admin, user.id, { disabled: true });
    await expect(actorOf(user)).rejects.toThrow(/disabled or gone/);
  });

  it("an admin cannot disable or demote themselves, and non-admins cannot manage users", async () => {
    const admin = await makeActor("admin");
    expect(await codeOf(updateUser(admin, admin.userId, { disabled: true }))).toBe("conflict");
    expect(await codeOf(updateUser(admin, admin.userId, { role: "member" }))).toBe("conflict");
    const operator = await makeActor("operator");
    expect(await codeOf(getUser(operator, admin.userId))).toBe("forbidden");
    expect(await codeOf(createUser(operator, { email: "a@test.berth", password: "long enough password", role: "admin" }))).toBe("forbidden");
  });
});
