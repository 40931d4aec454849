import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { RawDatabase as Database } from "../support/raw-sqlite";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { chainHash, GENESIS, type ChainedContent } from "@/lib/activity/chain";
import { MAX_DETAILS_BYTES, recordActivity } from "@/lib/activity/record";
import { verifyChain } from "@/lib/activity/verify";
import { db } from "@/lib/db";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { csvLine } from "@/lib/activity/export-format";
import { exportActivity, listActivity, verifyActivityChain } from "@/lib/services/activity";
import { recentTenantActivity } from "@/lib/services/activity-feed";
import { launchContainer } from "@/lib/services/launch-container";
import { checkPassword } from "@/lib/auth/sign-in";
import { createTenant, updateTenant } from "@/lib/services/tenants";
import { createTokenForSelf, revokeToken } from "@/lib/services/tokens";
import { createUser, updateUser } from "@/lib/services/users";
import { client, makeActor, testAction, uniq } from "./fixtures";
import { tenantWithOwner } from "./tenancy";

/** The actor with a request id of its own, so the events of one call can be counted. */
function withRequest(actor: Actor): Actor {
  return { ...actor, client: { ...actor.client, requestId: uniq("req") } };
}

async function eventsOf(actor: Actor) {
  return db.activityEvent.findMany({ where: { requestId: actor.client.requestId }, orderBy: { seq: "asc" } });
}

/** One call's events: exactly one, returned for field checks. */
async function onlyEventOf(actor: Actor) {
  const events = await eventsOf(actor);
  expect(events).toHaveLength(1);
  return events[0];
}

describe("recording", () => {
  it("each service action writes exactly one event with who, role, tenant, target, outcome and client", async () => {
    const admin = withRequest(await makeActor("admin"));
    const slug = uniq("rec");
    const tenant = await createTenant(admin, { name: "Recorded", slug });
    expect(await onlyEventOf(admin)).toMatchObject({
      action: "tenant.create",
      outcome: "allowed",
      actorType: "user",
      actorId: admin.userId,
      actorEmail: admin.email,
      actorRole: "admin",
      tenantId: tenant.id,
      target: `tenant:${slug}`,
      ip: client.ip,
      userAgent: client.userAgent,
    });

    const suspend = withRequest(admin);
    await updateTenant(suspend, tenant.id, { suspended: true });
    expect(await onlyEventOf(suspend)).toMatchObject({ action: "tenant.suspend", outcome: "allowed", tenantId: tenant.id });

    const create = withRequest(admin);
    const user = await createUser(create, { email: `${uniq("u")}@test.berth`, password: "a-long-enough-password", role: "member" });
    expect(await onlyEventOf(create)).toMatchObject({ action: "user.create", outcome: "allowed", target: `user:${user.email}` });

    const disable = withRequest(admin);
    await updateUser(disable, user.id, { disabled: true });
    expect(await onlyEventOf(disable)).toMatchObject({ action: "user.disable", outcome: "allowed" });

    const issue = withRequest(admin);
    const token = await createTokenForSelf(issue, { name: "ci", expiresInDays: 7 });
    expect(await onlyEventOf(issue)).toMatchObject({ action: "auth.token.create", target: `token:${token.id}` });
    const revoke = withRequest(admin);
    await revokeToken(revoke, token.id);
    expect(await onlyEventOf(revoke)).toMatchObject({ action: "auth.token.revoke", outcome: "allowed" });

    const signIn = { ...client, requestId: uniq("req") };
    await checkPassword(admin.email, "correct horse battery", signIn);
    const [login] = await db.activityEvent.findMany({ where: { requestId: signIn.requestId } });
    expect(login).toMatchObject({ action: "auth.login", outcome: "allowed", actorId: admin.userId });
  });

  it("denials are recorded once, with the policy's field messages as the reason", async () => {
    const operator = withRequest(await makeActor("operator"));
    await expect(createTenant(operator, { name: "N", slug: uniq("n") })).rejects.toMatchObject({ code: "forbidden" });
    expect(await onlyEventOf(operator)).toMatchObject({ action: "tenant.create", outcome: "denied", actorRole: "operator" });

    const admin = withRequest(await makeActor("admin"));
    await expect(createTenant(admin, { name: "X", slug: "Bad Slug", privileged: true })).rejects.toMatchObject({ code: "validation_failed" });
    const refused = await onlyEventOf(admin);
    expect(refused.outcome).toBe("denied");
    expect(refused.reason).toContain('privileged: unknown field "privileged"');
    expect(refused.reason).toContain("slug:");

    const t = await tenantWithOwner("deny");
    const owner = withRequest(t.owner);
    await expect(
      launchContainer(owner, t.id, { name: "x", image: "nope:latest", memoryMb: 128, cpuMillis: 100, privileged: true }),
    ).rejects.toMatchObject({});
    const launch = await onlyEventOf(owner);
    expect(launch).toMatchObject({ action: "container.launch", outcome: "denied", tenantId: t.id });
    expect(launch.reason).toMatch(/privileged/);

    const signIn = { ...client, requestId: uniq("req") };
    await expect(checkPassword(admin.email, "wrong password", signIn)).rejects.toMatchObject({ code: "unauthorized" });
    const [failed] = await db.activityEvent.findMany({ where: { requestId: signIn.requestId } });
    expect(failed).toMatchObject({ action: "auth.login", outcome: "denied", reason: "wrong email or password" });
  });

  it("never stores a secret: passwords, tokens, env values and auth headers are redacted", async () => {
    const planted = {
      password: uniq("pw-PLANTED"),
      env: uniq("ENV-PLANTED"),
      token: `berth_${"x".repeat(30)}${uniq("t")}`,
      header: uniq("hdr-PLANTED"),
    };
    const admin = await makeActor("admin");
    await createUser(admin, { email: `${uniq("s")}@test.berth`, password: planted.password, role: "member" });
    await expect(createUser(admin, { email: "not-an-email", password: planted.password, role: "member" })).rejects.toMatchObject({});
    await expect(checkPassword(admin.email, planted.password, client)).rejects.toMatchObject({});
    const t = await tenantWithOwner("secret");
    await expect(
      launchContainer(t.owner, t.id, {
        name: "s",
        image: "nope:latest",
        env: { DB_PASSWORD: planted.env, GREETING: planted.env },
        command: ["run", planted.token],
        privileged: true,
      }),
    ).rejects.toMatchObject({});
    await recordActivity(admin, {
      action: testAction("redact"),
      outcome: "allowed",
      details: {
        request: {
          Env: [`API_KEY=${planted.env}`],
          headers: { Authorization: `Bearer ${planted.header}` },
          newPassword: planted.password,
          accessToken: planted.token,
          note: `copied ${planted.token}`,
        },
      },
    });
    const issued = await createTokenForSelf(admin, { name: "planted", expiresInDays: 1 });

    const raw = new Database(process.env.DATABASE_URL!.replace(/^file:/, ""), { readonly: true });
    const rows = raw.prepare("SELECT * FROM ActivityEvent").all();
    raw.close();
    const text = JSON.stringify(rows);
    for (const secret of [...Object.values(planted), issued.token]) expect(text).not.toContain(secret);
    // What was set stays visible: env names, not values.
    expect(text).toContain("DB_PASSWORD");
  });

  it("caps details at 16 KB and marks them truncated", async () => {
    const admin = withRequest(await makeActor("admin"));
    await recordActivity(admin, { action: testAction("big"), outcome: "allowed", details: { blob: "y".repeat(100_000) } });
    const event = await onlyEventOf(admin);
    expect(Buffer.byteLength(event.details ?? "")).toBeLessThan(MAX_DETAILS_BYTES);
    expect(JSON.parse(event.details ?? "{}")).toMatchObject({ truncated: true });
  });

  it("records system events from the reconciler", async () => {
    await recordActivity(
      { kind: "system" },
      {
        action: "container.oom",
        outcome: "failed",
        tenantId: uniq("tenant"),
        target: "container:web",
        reason: "OOM-killed (exit code 137)",
        details: { exitCode: 137 },
      },
    );
    const [event] = await db.activityEvent.findMany({ where: { action: "container.oom" }, orderBy: { seq: "desc" }, take: 1 });
    expect(event).toMatchObject({ actorType: "system", actorId: null, outcome: "failed" });
  });
});

describe("hash chain", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("links every event to the one before it, from GENESIS, under concurrent writers", async () => {
    const admin = await makeActor("admin");
    // Outside and inside callers' transactions, all at once.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2
          ? recordActivity(admin, { action: testAction("concurrent"), outcome: "allowed", details: { i } })
          : db.$transaction((tx) => recordActivity(admin, { action: testAction("concurrent"), outcome: "allowed", details: { i } }, tx)),
      ),
    );
    const rows = await db.activityEvent.findMany({ orderBy: { seq: "asc" }, select: { seq: true, prevHash: true, hash: true, at: true } });
    expect(rows[0].prevHash).toBe(GENESIS);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i].prevHash).toBe(rows[i - 1].hash);
      expect(rows[i].at.getTime()).toBeGreaterThanOrEqual(rows[i - 1].at.getTime());
    }
    expect(await verifyChain()).toMatchObject({ ok: true, checked: rows.length, unchained: 0, head: { id: String(rows.at(-1)?.seq) } });
  });

  it("group-commits events recorded alone while commands commit their own: one strict chain, each caller its own event", async () => {
    const admin = await makeActor("admin");
    const action = testAction("group");
    const alone = Array.from({ length: 300 }, (_, i) => recordActivity(admin, { action, outcome: "allowed", details: { alone: i } }));
    // Commands write a change and its record in one transaction, interleaved with the batches;
    // some roll back after recording, and their events must vanish without a gap in the chain.
    const commands = Array.from({ length: 30 }, (_, i) =>
      db
        .$transaction(async (tx) => {
          await tx.rateHit.create({ data: { key: `group-test-${i}` } });
          const event = await recordActivity(admin, { action, outcome: "allowed", details: { command: i } }, tx);
          if (i % 3 === 0) throw new Error("rolled back");
          return event;
        })
        .catch((error: Error) => error),
    );
    const [recorded, committed] = await Promise.all([Promise.all(alone), Promise.all(commands)]);

    const rows = await db.activityEvent.findMany({ where: { action }, orderBy: { seq: "asc" }, select: { seq: true, hash: true, details: true } });
    expect(rows).toHaveLength(300 + 20);
    // Each caller got the event it recorded back, and no two callers the same one.
    const bySeq = new Map(rows.map((r) => [r.seq, r]));
    recorded.forEach((e, i) => expect(bySeq.get(e.seq)).toMatchObject({ hash: e.hash, details: JSON.stringify({ alone: i }) }));
    expect(new Set(recorded.map((e) => e.seq)).size).toBe(300);
    committed.forEach((e, i) => {
      if (i % 3 === 0) expect(e).toMatchObject({ message: "rolled back" });
      else expect(bySeq.get((e as { seq: number }).seq)).toMatchObject({ details: JSON.stringify({ command: i }) });
    });
    expect(await verifyChain()).toMatchObject({ ok: true, unchained: 0 });
    const all = await db.activityEvent.findMany({ orderBy: { seq: "asc" }, select: { prevHash: true, hash: true } });
    for (let i = 1; i < all.length; i++) expect(all[i].prevHash).toBe(all[i - 1].hash);
    await db.rateHit.deleteMany({ where: { key: { startsWith: "group-test-" } } });
  });

  it("the database refuses edits; an edit made behind its back is caught and named", async () => {
    // A copy of the test database, so the tampering stays in this test.
    const dir = mkdtempSync(path.join(tmpdir(), "berth-tamper-"));
    dirs.push(dir);
    const file = path.join(dir, "copy.db");
    await db.$executeRawUnsafe("PRAGMA wal_checkpoint(FULL)").catch(() => undefined);
    const source = new Database(process.env.DATABASE_URL!.replace(/^file:/, ""), { readonly: true });
    await source.backup(file);
    source.close();

    const raw = new Database(file);
    const victim = raw.prepare("SELECT seq FROM ActivityEvent ORDER BY seq LIMIT 1 OFFSET 3").get() as { seq: number };
    expect(() => raw.prepare("UPDATE ActivityEvent SET reason = 'nothing to see' WHERE seq = ?").run(victim.seq)).toThrow(/append-only/);
    expect(() => raw.prepare("DELETE FROM ActivityEvent WHERE seq = ?").run(victim.seq)).toThrow(/append-only/);

    const copy = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}` }) });
    try {
      await expect(copy.activityEvent.update({ where: { seq: victim.seq }, data: { reason: "x" } })).rejects.toThrow();
      expect((await verifyChain(copy)).ok).toBe(true);

      // Deliberately around the guard: drop the trigger, then edit.
      raw.exec('DROP TRIGGER "ActivityEvent_no_update"');
      raw.prepare("UPDATE ActivityEvent SET reason = 'nothing to see' WHERE seq = ?").run(victim.seq);
      expect(await verifyChain(copy)).toMatchObject({ ok: false, firstBrokenId: String(victim.seq), problem: expect.stringContaining("edited") });

      // Recomputing the edited event's hash moves the break to the next event's link.
      raw.exec('DROP TRIGGER "ActivityEvent_no_delete"');
      const next = raw.prepare("SELECT seq FROM ActivityEvent WHERE seq > ? ORDER BY seq LIMIT 1").get(victim.seq) as { seq: number };
      raw.prepare("DELETE FROM ActivityEvent WHERE seq = ?").run(victim.seq);
      expect(await verifyChain(copy)).toMatchObject({ ok: false, firstBrokenId: String(next.seq), problem: expect.stringContaining("link") });
    } finally {
      raw.close();
      await copy.$disconnect();
    }
  });

  it("verify is for admins and operators", async () => {
    const t = await tenantWithOwner("verify");
    await expect(verifyActivityChain(t.owner)).rejects.toMatchObject({ code: "forbidden" });
    expect((await verifyActivityChain(await makeActor("operator"))).ok).toBe(true);
  });
});

describe("reading", () => {
  it("pages newest first with an opaque cursor, every event exactly once under concurrent inserts", async () => {
    const operator = await makeActor("operator");
    const system = { kind: "system" as const };
    const tenantId = uniq("paged");
    const original: string[] = [];
    for (let i = 0; i < 60; i++)
      original.unshift(String((await recordActivity(system, { action: testAction("page"), outcome: "allowed", tenantId, details: { i } })).seq));
    const seen: string[] = [];
    let cursor: string | undefined;
    let newest: string | undefined;
    let inserted = 0;
    do {
      const page = await listActivity(operator, { tenantId, limit: "7", ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((e) => e.id));
      newest ??= page.newestCursor;
      // Writers keep appending while the reader pages.
      await Promise.all(
        [1, 2].map(() => recordActivity(system, { action: testAction("page"), outcome: "allowed", tenantId, details: { late: ++inserted } })),
      );
      cursor = page.nextCursor;
    } while (cursor);
    // Late arrivals are newer than the first page, so backwards paging neither repeats nor
    // skips anything: exactly the events that existed when paging began, newest first...
    expect(seen).toEqual(original);
    // ...and the late ones are exactly what a live view asking `after` the first page gets.
    const late = await listActivity(operator, { tenantId, after: newest, limit: "500" });
    expect(late.items).toHaveLength(inserted);
  });

  it("validates the query strictly and serves live views with `after`", async () => {
    const operator = await makeActor("operator");
    await expect(listActivity(operator, { bogus: "1" })).rejects.toMatchObject({ code: "validation_failed", fields: [{ path: "bogus" }] });
    await expect(listActivity(operator, { limit: "501" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(listActivity(operator, { cursor: "not-a-cursor" })).rejects.toMatchObject({
      code: "validation_failed",
      fields: [{ path: "cursor" }],
    });
    const tenantId = uniq("live");
    await recordActivity({ kind: "system" }, { action: testAction("live"), outcome: "allowed", tenantId });
    const first = await listActivity(operator, { tenantId });
    expect((await listActivity(operator, { tenantId, after: first.newestCursor })).items).toEqual([]);
    await recordActivity({ kind: "system" }, { action: testAction("live"), outcome: "denied", tenantId });
    const next = await listActivity(operator, { tenantId, after: first.newestCursor });
    expect(next.items.map((e) => e.outcome)).toEqual(["denied"]);
  });

  it("filters by outcome, action and time range", async () => {
    const operator = await makeActor("operator");
    const tenantId = uniq("filter");
    const before = new Date(Date.now() - 1000);
    await recordActivity({ kind: "system" }, { action: "container.launch", outcome: "denied", tenantId, reason: "memoryMb: too much" });
    await recordActivity({ kind: "system" }, { action: "container.launch", outcome: "allowed", tenantId });
    await recordActivity({ kind: "system" }, { action: "volume.create", outcome: "denied", tenantId });
    const denied = await listActivity(operator, { tenantId, action: "container.launch", outcome: "denied" });
    expect(denied.items).toHaveLength(1);
    expect(denied.items[0]).toMatchObject({ reason: "memoryMb: too much", actor: { type: "system", id: "system" } });
    expect((await listActivity(operator, { tenantId, from: before.toISOString() })).items).toHaveLength(3);
    expect((await listActivity(operator, { tenantId, to: before.toISOString() })).items).toHaveLength(0);
    expect((await listActivity(operator, { tenantId, from: "2999-01-01" })).items).toHaveLength(0);
  });

  it("a tenant owner reads only their own tenants; members and strangers get nothing", async () => {
    const a = await tenantWithOwner("own-a");
    const b = await tenantWithOwner("own-b");
    await recordActivity({ kind: "system" }, { action: testAction("scope"), outcome: "allowed", tenantId: a.id });
    await recordActivity({ kind: "system" }, { action: testAction("scope"), outcome: "allowed", tenantId: b.id });
    const mine = await listActivity(a.owner, { limit: "500" });
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((e) => e.tenantId === a.id)).toBe(true);
    await expect(listActivity(a.owner, { tenantId: b.id })).rejects.toMatchObject({ code: "not_found" });
    await expect(exportActivity(a.owner, { format: "jsonl", tenantId: b.id })).rejects.toMatchObject({ code: "not_found" });
    await expect(recentTenantActivity(a.owner, b.id)).rejects.toMatchObject({ code: "not_found" });
    const member = await makeActor("member", [{ tenantId: b.id, role: "member" }]);
    await expect(listActivity(member, { tenantId: b.id })).rejects.toMatchObject({ code: "forbidden" });
    await expect(listActivity(member, {})).rejects.toMatchObject({ code: "forbidden" });
    const { pages } = await exportActivity(a.owner, { format: "csv" });
    const seqs: number[] = [];
    for await (const page of pages) seqs.push(...page.map((e) => e.seq));
    expect(seqs.length).toBeGreaterThan(0);
    const tenants = await db.activityEvent.findMany({ where: { seq: { in: seqs } }, select: { tenantId: true }, distinct: ["tenantId"] });
    expect(tenants).toEqual([{ tenantId: a.id }]);
  });

  it("the export's query selects exactly what the list selects, filter by filter", async () => {
    const operator = await makeActor("operator");
    const { id: tenantId, owner } = await tenantWithOwner("same");
    const start = new Date(Date.now() - 1000).toISOString();
    const system = { kind: "system" as const };
    for (const [action, outcome, target] of [
      ["container.launch", "allowed", "container:web"],
      ["container.launch", "denied", "container:web-2"],
      ["container.stop", "allowed", "container:db"],
      ["volume.create", "failed", "volume:data_1"],
    ] as const)
      await recordActivity(system, { action, outcome, tenantId, target });
    await recordActivity(operator, { action: "container.stop", outcome: "allowed", tenantId, target: "container:web" });
    const filters: Record<string, string>[] = [
      { tenantId },
      { tenantId, action: "container.launch" },
      { tenantId, outcome: "allowed" },
      { tenantId, q: "web" },
      { tenantId, q: "data_" },
      { tenantId, actorId: operator.userId },
      { tenantId, actorEmail: operator.email },
      { tenantId, from: start, to: new Date(Date.now() + 1000).toISOString() },
      { tenantId, to: start },
    ];
    for (const filter of filters) {
      const listed = (await listActivity(operator, { ...filter, limit: "500" })).items.map((e) => e.id);
      const exported: string[] = [];
      for await (const page of (await exportActivity(operator, { ...filter, format: "csv" })).pages) exported.push(...page.map((e) => String(e.seq)));
      expect({ filter, exported }).toEqual({ filter, exported: listed });
    }
    // An owner's scope without a tenant named is the tenants they own.
    const mine: string[] = [];
    for await (const page of (await exportActivity(owner, { format: "jsonl" })).pages) mine.push(...page.map((e) => String(e.seq)));
    expect(mine).toEqual((await listActivity(owner, { limit: "500" })).items.map((e) => e.id));
    expect(mine.length).toBeGreaterThanOrEqual(5);
  });

  it("writes each CSV line in the database exactly as csvLine writes the row, awkward values and odd rows too", async () => {
    const operator = await makeActor("operator");
    const tenantId = uniq("csv-sql");
    const awkward = [
      'say "hi", then,\r\nleave',
      '=HYPERLINK("http://x","y")',
      "  +1",
      "\t-2",
      "\u3000@x",
      "\uFF1D1",
      "ünïcödé ✓ 漢字 😀",
      "",
      "plain",
      "line\nbreak",
      "cr\ronly",
    ];
    for (const [i, text] of awkward.entries()) {
      const actor = {
        kind: "anonymous" as const,
        email: `${text}@example.com`,
        client: { ip: text, userAgent: text, requestId: `${text}-${i}` },
      };
      await recordActivity(actor, {
        action: testAction("csv"),
        outcome: "denied",
        tenantId,
        target: text,
        reason: text,
        details: { text, big: "x".repeat(8000), quote: '"' },
      });
    }
    // A row written by hand, chained like the recorder's but with its time in another text
    // form for the same instant and an actor type the code does not write: the SQL leaves its
    // line to csvLine.
    const odd = await db.$transaction(async (tx) => {
      const [head] = await tx.$queryRaw<{ hash: string; at: Date }[]>`SELECT "hash", "at" FROM "ActivityEvent" ORDER BY "seq" DESC LIMIT 1`;
      const at = new Date(Math.max(Date.now(), head.at.getTime()));
      const content: ChainedContent = {
        at,
        actorType: "robot",
        actorId: "r,1",
        actorEmail: null,
        actorRole: null,
        tenantId,
        action: testAction("csv"),
        target: "-1",
        outcome: "allowed",
        reason: null,
        ip: null,
        userAgent: null,
        requestId: null,
        details: '{"by":"hand"}',
      };
      const hash = chainHash(head.hash, content);
      const [row] = await tx.$queryRaw<
        { seq: number }[]
      >`INSERT INTO "ActivityEvent" ("at", "actorType", "actorId", "tenantId", "action", "target", "outcome", "details", "prevHash", "hash")
        VALUES (${at.toISOString()}, ${content.actorType}, ${content.actorId}, ${tenantId}, ${content.action}, ${content.target}, ${content.outcome}, ${content.details}, ${head.hash}, ${hash}) RETURNING "seq"`;
      return { seq: Number(row.seq), at };
    });
    const [storedAt] = await db.$queryRaw<{ at: string }[]>`SELECT CAST("at" AS TEXT) AS "at" FROM "ActivityEvent" WHERE "seq" = ${odd.seq}`;
    expect(storedAt.at).toBe(odd.at.toISOString());
    await recordActivity({ kind: "system" }, { action: testAction("csv"), outcome: "allowed", tenantId, target: null, details: undefined });
    await recordActivity(operator, { action: testAction("csv"), outcome: "failed", tenantId, target: "=1" });

    const stored = await db.activityEvent.findMany({ where: { tenantId }, orderBy: { seq: "desc" } });
    expect(stored).toHaveLength(awkward.length + 3);
    // Page size 4: pages with and without the odd row, and a last page that is not full.
    const exported: { seq: number; line: string }[] = [];
    for await (const page of (await exportActivity(operator, { format: "csv", tenantId }, 4)).pages) exported.push(...page);
    expect(exported).toEqual(stored.map((e) => ({ seq: e.seq, line: csvLine(e) })));
    expect(exported.find((e) => e.seq === odd.seq)?.line).toMatch(new RegExp(`^${odd.seq},${odd.at.toISOString()},user,"r,1",`));
    expect((await verifyChain()).ok).toBe(true);
  });

  it("exports in keyset batches, every matching event once", async () => {
    const operator = await makeActor("operator");
    const tenantId = uniq("export");
    for (let i = 0; i < 2050; i += 50) {
      await db.$transaction(async (tx) => {
        for (let j = i; j < i + 50; j++)
          await recordActivity({ kind: "system" }, { action: testAction("export"), outcome: "allowed", tenantId, details: { j } }, tx);
      });
    }
    const { pages } = await exportActivity(operator, { format: "jsonl", tenantId }, 1000);
    const sizes: number[] = [];
    const ids = new Set<number>();
    for await (const page of pages) {
      sizes.push(page.length);
      page.forEach((e) => ids.add(e.seq));
    }
    expect(sizes).toEqual([1000, 1000, 50]);
    expect(ids.size).toBe(2050);
  });
});
