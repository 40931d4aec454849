import { describe, expect, it } from "vitest";
import { loadActor } from "@/lib/auth/load-actor";
import { db } from "@/lib/db";
import { createTenant } from "@/lib/services/tenants";
import { client, makeActor, makeUser, uniq } from "./fixtures";

/**
 * loadActor reads the user and their memberships in one SQL query (a LEFT JOIN): every page
 * view runs it, so what a session may do must come out exactly as the two Prisma reads gave it.
 */
describe("loadActor", () => {
  it("gives the user's role and every membership with its role, in tenant-id order", async () => {
    const admin = await makeActor("admin");
    const tenants = await Promise.all(["a", "b", "c"].map((n) => createTenant(admin, { name: n, slug: uniq(n) })));
    const roles = ["owner", "member", "owner"] as const;
    // Created in the reverse of the expected order: the order is the tenant ids', not the inserts'.
    const memberships = tenants.map((t, i) => ({ tenantId: t.id, role: roles[i] })).reverse();
    const user = await makeUser("member", memberships);

    const actor = await loadActor(user.id, client, undefined, new Date());
    expect(actor).toMatchObject({ kind: "user", userId: user.id, email: user.email, role: "member" });
    expect(actor?.memberships).toEqual([...memberships].sort((x, y) => (x.tenantId < y.tenantId ? -1 : 1)));
    // What the two Prisma reads it replaces return, field for field.
    const stored = await db.user.findUniqueOrThrow({
      where: { id: user.id },
      select: { role: true, memberships: { select: { tenantId: true, role: true } } },
    });
    expect(actor?.memberships).toEqual(stored.memberships);
  });

  it("a user in no tenant has no memberships; an unknown id is no one", async () => {
    const user = await makeUser("operator");
    expect(await loadActor(user.id, client)).toMatchObject({ role: "operator", memberships: [] });
    expect(await loadActor("c-no-such-user", client)).toBeNull();
  });

  it("takes a disabled user, a changed role, a removed membership and a password change into account at once", async () => {
    const admin = await makeActor("admin");
    const t = await createTenant(admin, { name: "t", slug: uniq("t") });
    const user = await makeUser("member", [{ tenantId: t.id, role: "member" }]);
    const signedInAt = new Date(Date.now() - 1000);

    await db.user.update({ where: { id: user.id }, data: { role: "operator" } });
    await db.membership.delete({ where: { userId_tenantId: { userId: user.id, tenantId: t.id } } });
    expect(await loadActor(user.id, client, undefined, signedInAt)).toMatchObject({ role: "operator", memberships: [] });

    // A password change after the sign-in ends the session; one signed in after it holds.
    await db.user.update({ where: { id: user.id }, data: { sessionsValidFrom: new Date() } });
    expect(await loadActor(user.id, client, undefined, signedInAt)).toBeNull();
    expect(await loadActor(user.id, client, undefined, new Date(Date.now() + 1000))).not.toBeNull();

    await db.user.update({ where: { id: user.id }, data: { disabled: true } });
    expect(await loadActor(user.id, client, undefined, new Date(Date.now() + 1000))).toBeNull();
  });
});
