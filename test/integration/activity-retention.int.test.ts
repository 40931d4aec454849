import { execFileSync } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { RawDatabase as Database } from "../support/raw-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * Checkpoints and archives change what the whole log looks like (an archive deletes the old
 * events), so this file runs on a database of its own, migrated like `npm run up` does,
 * instead of the one the other integration files share. lib/db reads DATABASE_URL when it is
 * first imported: the modules are imported only after it points here.
 */
const dir = mkdtempSync(path.join(tmpdir(), "berth-retention-"));
const file = path.join(dir, "berth.db");
process.env.DATABASE_URL = `file:${file}`;
process.env.BERTH_ARCHIVE_DIR = path.join(dir, "archives");
execFileSync("npx", ["prisma", "migrate", "deploy"], { env: process.env, stdio: "pipe" });

type Modules = {
  db: typeof import("@/lib/db").db;
  recordActivity: typeof import("@/lib/activity/record").recordActivity;
  writeCheckpoint: typeof import("@/lib/activity/checkpoints").writeCheckpoint;
  verifyChain: typeof import("@/lib/activity/verify").verifyChain;
  archiveActivity: typeof import("@/lib/services/activity-archive").archiveActivity;
  makeActor: typeof import("./fixtures").makeActor;
};
let m: Modules;

beforeAll(async () => {
  m = {
    db: (await import("@/lib/db")).db,
    recordActivity: (await import("@/lib/activity/record")).recordActivity,
    writeCheckpoint: (await import("@/lib/activity/checkpoints")).writeCheckpoint,
    verifyChain: (await import("@/lib/activity/verify")).verifyChain,
    archiveActivity: (await import("@/lib/services/activity-archive")).archiveActivity,
    makeActor: (await import("./fixtures")).makeActor,
  };
  // This file's own database: nothing from other files is in it.
  expect(await m.db.user.count()).toBe(0);
});

afterAll(async () => {
  await m?.db.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes to the file as someone with access to it would: no triggers in the way. */
function tamper(sql: string, ...params: unknown[]) {
  const raw = new Database(file);
  const trigger = raw.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'ActivityEvent_no_delete'").get() as { sql: string };
  raw.exec('DROP TRIGGER "ActivityEvent_no_delete"');
  raw.prepare(sql).run(...params);
  raw.exec(trigger.sql);
  raw.close();
}

async function events(n: number, label: string) {
  for (let i = 0; i < n; i++) await m.recordActivity({ kind: "system" }, { action: "container.died", outcome: "allowed", target: `${label}-${i}` });
}

describe("signed checkpoints and archives", () => {
  it("truncating the newest events is reported by verify, once a checkpoint covers them", async () => {
    await events(5, "before-checkpoint");
    const checkpoint = await m.writeCheckpoint("schedule");
    expect(checkpoint).not.toBeNull();
    expect(await m.verifyChain()).toMatchObject({ ok: true, checkpoints: { signingKey: true, checked: 1, newest: { seq: checkpoint!.seq } } });

    // Dropping the newest events leaves a chain that is consistent with itself…
    const head = checkpoint!.seq;
    tamper('DELETE FROM "ActivityEvent" WHERE "seq" >= ?', head - 1);
    const verdict = await m.verifyChain();
    // …but not with the signed checkpoint.
    expect(verdict.ok).toBe(false);
    expect(verdict.problem).toMatch(/newest events were removed/);
  });

  it("a checkpoint forged without the key is reported", async () => {
    const { db } = m;
    // The log the last test cut is consistent with itself; without its checkpoints it verifies.
    const raw = new Database(file);
    raw.exec('DROP TRIGGER "ChainCheckpoint_no_delete"');
    raw.exec('DELETE FROM "ChainCheckpoint"');
    raw.close();
    expect(await m.verifyChain()).toMatchObject({ ok: true });
    const head = await db.activityEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    await db.chainCheckpoint.create({ data: { at: new Date(), seq: head.seq, hash: head.hash, reason: "schedule", signature: "00".repeat(32) } });
    expect(await m.verifyChain()).toMatchObject({ ok: false, problem: expect.stringMatching(/no valid signature/) });
    const raw2 = new Database(file);
    raw2.exec('DELETE FROM "ChainCheckpoint"');
    raw2.close();
  });

  it("an admin archives old events into a signed file; the chain goes on from the archive's checkpoint", async () => {
    const admin = await m.makeActor("admin");
    await events(30, "old");
    const cut = new Date(Date.now() + 5);
    await new Promise((r) => setTimeout(r, 20));
    await events(3, "new");
    const before = await m.db.activityEvent.count();

    const result = await m.archiveActivity(admin, { before: cut.toISOString() });
    expect(result.events).toBeGreaterThanOrEqual(30);
    // Only the newer events and the archive's own record are left.
    const left = await m.db.activityEvent.findMany({ orderBy: { seq: "asc" } });
    expect(left.length).toBe(before - result.events + 1);
    expect(left.every((e) => e.seq > Number(result.throughId))).toBe(true);
    expect(left.at(-1)).toMatchObject({ action: "activity.archive", outcome: "allowed" });

    const verdict = await m.verifyChain();
    expect(verdict).toMatchObject({ ok: true, checkpoints: { archive: { throughId: result.throughId } } });

    // The file: every archived event as stored, then a signature line over its sha256.
    const text = readFileSync(path.join(process.env.BERTH_ARCHIVE_DIR!, result.file), "utf8");
    const lines = text.trimEnd().split("\n");
    const signature = JSON.parse(lines.pop()!);
    const body = lines.map((l) => l + "\n").join("");
    expect(lines).toHaveLength(result.events);
    expect(createHash("sha256").update(body).digest("hex")).toBe(signature.sha256);
    expect(createHmac("sha256", process.env.BERTH_AUDIT_KEY!).update(signature.sha256).digest("hex")).toBe(signature.hmac);
    const archived = lines.map((l) => JSON.parse(l) as { seq: number; prevHash: string; hash: string });
    for (let i = 1; i < archived.length; i++) expect(archived[i].prevHash).toBe(archived[i - 1].hash);
    expect(left[0].prevHash).toBe(archived.at(-1)!.hash);

    // Events the archive covers can be deleted; newer ones still cannot.
    await expect(m.db.activityEvent.deleteMany({ where: { seq: left.at(-1)!.seq } })).rejects.toThrow();
    expect(await m.db.activityEvent.count({ where: { seq: left.at(-1)!.seq } })).toBe(1);

    // Nothing older is left to archive: a clear refusal, recorded.
    await expect(m.archiveActivity(admin, { before: cut.toISOString() })).rejects.toMatchObject({ code: "conflict" });
    // Others may not archive.
    const operator = await m.makeActor("operator");
    await expect(m.archiveActivity(operator, { before: new Date().toISOString() })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("an archive checkpoint forged to delete events is caught", async () => {
    const head = await m.db.activityEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    await events(2, "after");
    // Someone with the database file inserts an archive row (they cannot sign it) and deletes
    // the events it "covers": the chain then starts from that row's hash…
    const raw = new Database(file);
    raw
      .prepare('INSERT INTO "ChainCheckpoint" ("at", "seq", "hash", "reason", "archive", "signature") VALUES (?, ?, ?, ?, ?, ?)')
      .run(new Date().toISOString(), head.seq, head.hash, "archive", "forged.jsonl sha256:00", "ff".repeat(32));
    raw.prepare('DELETE FROM "ActivityEvent" WHERE "seq" <= ?').run(head.seq);
    raw.close();
    // …but it has no valid signature.
    expect(await m.verifyChain()).toMatchObject({ ok: false, problem: expect.stringMatching(/no valid signature/) });
  });
});
