import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { GET as getContainersRoute } from "@/app/api/v1/tenants/[tenantId]/containers/route";
import { GET as getTenantsRoute } from "@/app/api/v1/tenants/route";
import { GET as getUsersRoute } from "@/app/api/v1/users/route";
import { createTokenForSelf } from "@/lib/services/tokens";
import { listActivity } from "@/lib/services/activity";
import { queryContainers } from "@/lib/services/containers";
import { readContainerPage, type ContainerPageRow } from "@/lib/services/container-page";
import { recordedState, toContainerDto } from "@/lib/services/container-dto";
import { tenantWhere } from "@/lib/authz";
import type { Prisma } from "@/lib/generated/prisma/client";
import { CONTAINER_SORTS, orderOf, pageWindow } from "@/lib/schemas/list-query";
import { addTenantMember } from "@/lib/services/tenant-members";
import { createTenant } from "@/lib/services/tenants";
import { queryTenants } from "@/lib/services/tenant-usage";
import { queryUsers } from "@/lib/services/users";
import { codeOf, makeActor, makeUser, uniq } from "./fixtures";

/*
 * Search, sort and paging happen in the query, with the tenant scope in its where: another
 * tenant's rows never appear, whatever is searched, sorted or paged. Rows are inserted
 * directly (no engine containers: the lists read the database).
 */

let admin: Actor;
let tenantA: string;
let tenantB: string;
let memberA: Actor;

async function addContainer(tenantId: string, name: string, memoryMb: number, imageRef = "busybox:1.36") {
  await db.container.create({ data: { tenantId, name, imageRef, status: "stopped", memoryMb, cpuMillis: 100, readOnlyRootfs: true, restart: "no" } });
}

beforeAll(async () => {
  admin = await makeActor("admin");
  tenantA = (await createTenant(admin, { name: "Lists A", slug: uniq("lists-a") })).id;
  tenantB = (await createTenant(admin, { name: "Lists B", slug: uniq("lists-b") })).id;
  memberA = await makeActor("member", [{ tenantId: tenantA, role: "member" }]);
  for (const [name, mb] of [
    ["web", 64],
    ["api", 256],
    ["db_main", 512],
    ["worker", 128],
    ["cache", 32],
  ] as const)
    await addContainer(tenantA, name, mb);
  // Tenant B has names that match every search A's members might type.
  for (const name of ["web", "web-b", "api", "secret-b"]) await addContainer(tenantB, name, 1024, "nginx:1.27");
});

const names = (page: { items: { name: string }[] }) => page.items.map((c) => c.name);

describe("containers", () => {
  it("sorts in the query by the column asked for, each way", async () => {
    expect(names(await queryContainers(memberA, tenantA, { sort: "name" }))).toEqual(["api", "cache", "db_main", "web", "worker"]);
    expect(names(await queryContainers(memberA, tenantA, { sort: "name", order: "desc" }))).toEqual(["worker", "web", "db_main", "cache", "api"]);
    // Memory sorts biggest first unless told otherwise.
    expect(names(await queryContainers(memberA, tenantA, { sort: "memory" }))).toEqual(["db_main", "api", "worker", "web", "cache"]);
  });

  it("pages cover every row once, with the total, and a page past the end is empty", async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const result = await queryContainers(memberA, tenantA, { sort: "name", page: String(page), pageSize: "2" });
      expect(result).toMatchObject({ total: 5, page, pageSize: 2 });
      seen.push(...names(result));
    }
    expect(seen).toEqual(["api", "cache", "db_main", "web", "worker"]);
    expect(await queryContainers(memberA, tenantA, { page: "4", pageSize: "2" })).toMatchObject({ items: [], total: 5 });
  });

  it("searches name and image inside the tenant only, wildcards included", async () => {
    expect(names(await queryContainers(memberA, tenantA, { q: "web" }))).toEqual(["web"]);
    expect((await queryContainers(memberA, tenantA, { q: "nginx" })).total).toBe(0);
    expect((await queryContainers(memberA, tenantA, { q: "secret" })).total).toBe(0);
    // Prisma hands % and _ to SQLite's LIKE as wildcards: such a search matches more, never
    // outside the tenant.
    expect((await queryContainers(memberA, tenantA, { q: "%" })).total).toBe(5);
    expect((await queryContainers(memberA, tenantA, { q: "_" })).total).toBe(5);
    // Admins read tenant B, and see only B's.
    expect(names(await queryContainers(admin, tenantB, { q: "web", sort: "name" }))).toEqual(["web", "web-b"]);
  });

  it("another tenant's list is not_found for a member; bad and unknown parameters are refused by name", async () => {
    expect(await codeOf(queryContainers(memberA, tenantB, {}))).toBe("not_found");
    expect(await codeOf(queryContainers(memberA, tenantB, { q: "web" }))).toBe("not_found");
    for (const [query, path] of [
      [{ sort: "dockerId" }, "sort"],
      [{ order: "up" }, "order"],
      [{ page: "0" }, "page"],
      [{ pageSize: "1000" }, "pageSize"],
      [{ tenantId: tenantB }, "tenantId"],
    ] as const) {
      await expect(queryContainers(memberA, tenantA, query)).rejects.toMatchObject({
        code: "validation_failed",
        fields: [expect.objectContaining({ path })],
      });
    }
  });

  it("the plain-SQL page is what Prisma's findMany with include returned, for every sort, order, search and page", async () => {
    // Ports and HTTPS routes on some rows (two published ports on one, a route beside a port on another).
    const rows = await db.container.findMany({ where: { tenantId: tenantA }, orderBy: { name: "asc" } });
    const byName = new Map(rows.map((r) => [r.name, r.id]));
    const base = 40000 + Math.floor(Math.random() * 20000);
    await db.portAllocation.createMany({
      data: [
        { hostIp: "127.0.0.250", hostPort: base, protocol: "tcp", containerPort: 8080, containerId: byName.get("web")! },
        { hostIp: "127.0.0.250", hostPort: base + 1, protocol: "udp", containerPort: 53, containerId: byName.get("web")! },
        { hostIp: "127.0.0.250", hostPort: base + 2, protocol: "tcp", containerPort: 80, containerId: byName.get("api")! },
      ],
    });
    await db.ingressRoute.createMany({
      data: [
        { hostName: `${uniq("api")}.apps.test`, containerId: byName.get("api")!, containerPort: 80 },
        { hostName: `${uniq("api2")}.apps.test`, containerId: byName.get("api")!, containerPort: 9000 },
      ],
    });
    // Gone at the end, pass or fail: the database is shared by the run's files, and the edge's
    // test counts every route in it (ingress.int.test.ts).
    onTestFinished(async () => {
      const ids = [byName.get("web")!, byName.get("api")!];
      await db.ingressRoute.deleteMany({ where: { containerId: { in: ids } } });
      await db.portAllocation.deleteMany({ where: { containerId: { in: ids } } });
    });
    const dtos = (page: ContainerPageRow[]) => page.map((r) => toContainerDto(r, recordedState(r)));
    for (const actor of [memberA, admin]) {
      for (const sort of CONTAINER_SORTS) {
        for (const order of [undefined, "asc", "desc"] as const) {
          for (const q of [undefined, "w", "busybox", "%", "nothing"]) {
            for (const [page, pageSize] of [
              [1, 50],
              [1, 2],
              [2, 2],
              [3, 2],
              [4, 2],
            ] as const) {
              const query = { sort, order, q, page, pageSize };
              const where: Prisma.ContainerWhereInput = {
                tenantId: tenantA,
                tenant: tenantWhere(actor),
                ...(q ? { OR: [{ name: { contains: q } }, { imageRef: { contains: q } }] } : {}),
              };
              const column = { created: "createdAt", name: "name", status: "status", image: "imageRef", memory: "memoryMb", cpu: "cpuMillis" }[sort];
              const expected = await db.container.findMany({
                where,
                include: { ports: true, routes: true },
                orderBy: [{ [column]: orderOf(sort, order) }, { id: "asc" }],
                ...pageWindow(query),
              });
              const got = await readContainerPage(actor, tenantA, query);
              expect(JSON.stringify(dtos(got.rows)), JSON.stringify(query)).toBe(JSON.stringify(dtos(expected)));
              expect(got.total, JSON.stringify(query)).toBe(await db.container.count({ where }));
            }
          }
        }
      }
    }
    expect(
      dtos((await readContainerPage(memberA, tenantA, { sort: "name", page: 1, pageSize: 50 })).rows).find((c) => c.name === "api")?.ports,
    ).toHaveLength(3);
  });

  it("the API takes the same parameters and refuses unknown or repeated ones", async () => {
    const { token } = await createTokenForSelf(memberA, { name: "lists", expiresInDays: 1 });
    const get = (query: string) =>
      getContainersRoute(
        new Request(`http://127.0.0.1/api/v1/tenants/${tenantA}/containers?${query}`, { headers: { authorization: `Bearer ${token}` } }),
        {
          params: Promise.resolve({ tenantId: tenantA }),
        },
      );
    const ok = await get("sort=name&order=desc&pageSize=2&page=2");
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect({ names: names(body), total: body.total, page: body.page, pageSize: body.pageSize }).toEqual({
      names: ["db_main", "cache"],
      total: 5,
      page: 2,
      pageSize: 2,
    });
    expect((await get("limit=5")).status).toBe(400);
    expect((await get("q=a&q=b")).status).toBe(400);
    const other = await getContainersRoute(
      new Request(`http://127.0.0.1/api/v1/tenants/${tenantB}/containers?q=web`, { headers: { authorization: `Bearer ${token}` } }),
      { params: Promise.resolve({ tenantId: tenantB }) },
    );
    expect(other.status).toBe(404);
  });
});

describe("tenants", () => {
  it("a member's search never finds a tenant they are not in", async () => {
    const page = await queryTenants(memberA, { q: "Lists" });
    expect(page.items.map((t) => t.tenant.id)).toEqual([tenantA]);
    expect(page.total).toBe(1);
    const { token } = await createTokenForSelf(memberA, { name: "lists-t", expiresInDays: 1 });
    const res = await getTenantsRoute(new Request("http://127.0.0.1/api/v1/tenants?q=lists-b", { headers: { authorization: `Bearer ${token}` } }), {
      params: Promise.resolve({}),
    });
    expect(await res.json()).toMatchObject({ items: [], total: 0 });
  });

  it("admins search, sort by a column or by pressure, and page", async () => {
    const prefix = uniq("press");
    const ids: Record<string, string> = {};
    for (const [name, max] of [
      ["c", 10],
      ["a", 1],
      ["b", 2],
    ] as const) {
      const t = await createTenant(admin, { name: `${prefix} ${name}`, slug: `${prefix}-${name}` });
      await db.tenant.update({ where: { id: t.id }, data: { maxContainers: max } });
      await addContainer(t.id, "one", 16);
      ids[name] = t.id;
    }
    const byName = await queryTenants(admin, { q: prefix, sort: "name" });
    expect(byName.items.map((t) => t.tenant.name)).toEqual([`${prefix} a`, `${prefix} b`, `${prefix} c`]);
    // a holds 1 of 1 container, b 1 of 2, c 1 of 10: most pressed first, then least.
    expect((await queryTenants(admin, { q: prefix })).items.map((t) => t.tenant.id)).toEqual([ids.a, ids.b, ids.c]);
    expect((await queryTenants(admin, { q: prefix, order: "asc" })).items.map((t) => t.tenant.id)).toEqual([ids.c, ids.b, ids.a]);
    const second = await queryTenants(admin, { q: prefix, pageSize: "2", page: "2" });
    expect(second).toMatchObject({ total: 3, page: 2 });
    expect(second.items.map((t) => t.tenant.id)).toEqual([ids.c]);
    expect(await codeOf(queryTenants(admin, { sort: "uid" }))).toBe("validation_failed");
  });
});

describe("users", () => {
  it("admins only; searched by email, sorted and paged", async () => {
    const tag = uniq("find");
    for (const local of ["carol", "alice", "bob"])
      await db.user.create({ data: { email: `${local}.${tag}@test.berth`, passwordHash: "x", role: "member" } });
    const page = await queryUsers(admin, { q: tag.toUpperCase(), pageSize: "2" });
    expect(page.items.map((u) => u.email.split(".")[0])).toEqual(["alice", "bob"]);
    expect(page.total).toBe(3);
    expect((await queryUsers(admin, { q: tag, sort: "email", order: "desc" })).items[0].email).toMatch(/^carol/);
    expect(await codeOf(queryUsers(memberA, {}))).toBe("forbidden");
    expect(await codeOf(queryUsers(await makeActor("operator"), {}))).toBe("forbidden");
    expect(await codeOf(queryUsers(admin, { role: "admin" }))).toBe("validation_failed");
    const someone = await makeUser("member");
    const { token } = await createTokenForSelf(admin, { name: "lists-u", expiresInDays: 1 });
    const res = await getUsersRoute(
      new Request(`http://127.0.0.1/api/v1/users?q=${encodeURIComponent(someone.email)}`, { headers: { authorization: `Bearer ${token}` } }),
      {
        params: Promise.resolve({}),
      },
    );
    const body = await res.json();
    expect(body).toMatchObject({ total: 1, items: [{ id: someone.id, email: someone.email }] });
    expect(body.items[0]).not.toHaveProperty("passwordHash");
  });
});

describe("activity", () => {
  it("searches targets and pages oldest first with keyset cursors, inside the caller's scope", async () => {
    const t = await createTenant(admin, { name: "Feed", slug: uniq("feed") });
    const other = await createTenant(admin, { name: "Feed other", slug: uniq("feed-o") });
    const owner = await makeActor("member", [{ tenantId: t.id, role: "owner" }]);
    const tag = uniq("needle");
    const people = [];
    for (const local of ["one", "two", "three"]) {
      const user = await db.user.create({ data: { email: `${local}.${tag}@test.berth`, passwordHash: "x", role: "member" } });
      people.push(user.email);
      await addTenantMember(admin, t.id, { userId: user.id, role: "member" });
    }
    // The same search in another tenant's feed, which the owner must never see.
    const stranger = await db.user.create({ data: { email: `four.${tag}@test.berth`, passwordHash: "x", role: "member" } });
    await addTenantMember(admin, other.id, { userId: stranger.id, role: "member" });

    const first = await listActivity(owner, { q: tag, order: "asc", limit: "2" });
    expect(first.items.map((e) => e.target)).toEqual(people.slice(0, 2).map((e) => `user:${e}`));
    expect(first.newestCursor).toBeUndefined();
    const second = await listActivity(owner, { q: tag, order: "asc", limit: "2", cursor: first.nextCursor });
    expect(second.items.map((e) => e.target)).toEqual([`user:${people[2]}`]);
    expect(second.nextCursor).toBeUndefined();
    // Newest first is still the default; admins see both tenants' events.
    expect((await listActivity(owner, { q: tag })).items.map((e) => e.target)).toEqual([...people].reverse().map((e) => `user:${e}`));
    expect((await listActivity(admin, { q: tag })).items).toHaveLength(4);
    expect(await codeOf(listActivity(owner, { q: tag, tenantId: other.id }))).toBe("not_found");
    expect(await codeOf(listActivity(owner, { order: "asc", after: first.nextCursor }))).toBe("validation_failed");
  });
});
