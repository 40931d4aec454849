import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { ServiceError } from "@/lib/errors";
import { listActivity } from "@/lib/services/activity";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { launchContainer } from "@/lib/services/launch-container";
import { codeOf } from "./fixtures";
import { cleanUpTenant, expectHardened, tenantWithOwner } from "./tenancy";

/** The database's size in bytes, as SQLite allocates it (pages in use). */
async function databaseBytes(): Promise<number> {
  const [{ page_count }] = await db.$queryRawUnsafe<{ page_count: bigint }[]>("PRAGMA page_count");
  const [{ page_size }] = await db.$queryRawUnsafe<{ page_size: bigint }[]>("PRAGMA page_size");
  return Number(page_count) * Number(page_size);
}

describe("the append-only log cannot be flooded", () => {
  it("300 refused launches carrying 15 KiB of junk each grow the database by less than 1 MiB and stay out of foreign feeds", async () => {
    const mine = await tenantWithOwner("flood");
    const victim = await tenantWithOwner("victim");
    const junk = "j".repeat(15 * 1024);
    const before = await databaseBytes();
    const codes = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const target = i % 2 ? mine.id : victim.id;
      const body =
        i % 3 ? { name: "x", image: "busybox", memoryMb: 32, cpuMillis: 100, junk } : { [junk]: junk, env: { [junk.slice(0, 100)]: junk } };
      codes.add(await codeOf(launchContainer(mine.owner, target, body)));
    }
    expect([...codes].every((c) => ["validation_failed", "not_found", "rate_limited"].includes(c))).toBe(true);
    const grown = (await databaseBytes()) - before;
    console.log(`[abuse] 300 refused launches with 15 KiB of junk grew the database by ${(grown / 1024).toFixed(0)} KiB`);
    expect(grown).toBeLessThan(1024 * 1024);
    // Every attempt is recorded…
    expect(await db.activityEvent.count({ where: { actorId: mine.owner.userId, action: "container.launch", outcome: "denied" } })).toBe(300);
    // …but none lands in the feed of the tenant the attacker does not belong to.
    expect(await db.activityEvent.count({ where: { tenantId: victim.id, action: "container.launch" } })).toBe(0);
    const feed = await listActivity(victim.owner, { tenantId: victim.id, limit: "500" });
    expect(feed.items.filter((e) => e.actor.id === mine.owner.userId)).toEqual([]);
  });
});

describe("per-actor write limits", () => {
  it("past the limit a write is refused with rate_limited and Retry-After, and the refusal is recorded", async () => {
    const t = await tenantWithOwner("limit");
    process.env.BERTH_WRITES_PER_MINUTE = "6";
    try {
      const errors = [];
      for (let i = 0; i < 8; i++)
        errors.push(await launchContainer(t.owner, t.id, { name: `l${i}`, image: "nope", memoryMb: 32, cpuMillis: 100 }).catch((e: unknown) => e));
      expect(errors.slice(0, 6).map((e) => (e as ServiceError).code)).toEqual(Array(6).fill("policy_violation"));
      expect(errors[6]).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/Too many launches: at most 6 a minute/) });
      expect((errors[7] as ServiceError).retryAfter).toBeGreaterThan(0);
      // Another user is not held back by this one's flood.
      const other = await tenantWithOwner("limit-other");
      expect(await codeOf(launchContainer(other.owner, other.id, { name: "x", image: "nope", memoryMb: 32, cpuMillis: 100 }))).toBe(
        "policy_violation",
      );
      const limited = await db.activityEvent.count({
        where: { actorId: t.owner.userId, action: "container.launch", reason: { contains: "Too many launches" } },
      });
      expect(limited).toBe(2);
    } finally {
      process.env.BERTH_WRITES_PER_MINUTE = "1000";
    }
  });

  it("a burst of launches at once passes the limit no further: each counts in its reservation, and a refused one still counts", async () => {
    await seedStarterCatalog();
    const t = await tenantWithOwner("burst");
    process.env.BERTH_WRITES_PER_MINUTE = "4";
    try {
      // One refused launch first: it counts too (in its refusal's record).
      expect(await codeOf(launchContainer(t.owner, t.id, { name: "bad", image: "nope", memoryMb: 32, cpuMillis: 100 }))).toBe("policy_violation");
      const sleeper = (name: string) => ({ name, image: "berth/shell:1", command: ["sleep", "3600"], memoryMb: 16, cpuMillis: 50 });
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => launchContainer(t.owner, t.id, sleeper(`b${i}`))));
      const launched = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      const codes = results.flatMap((r) => (r.status === "rejected" ? [r.reason instanceof ServiceError ? r.reason.code : String(r.reason)] : []));
      expect(launched).toHaveLength(3);
      expect(codes).toEqual(Array(3).fill("rate_limited"));
      for (const c of launched) await expectHardened(c.id);
      // Four counted (the refusal and three launches), none for the launches the limit refused.
      const hits = await db.rateHit.count({ where: { key: `write:container.launch:${t.owner.userId}`, at: { gt: new Date(0) } } });
      expect(hits).toBe(4);
      // The limit refused before anything was reserved: no row, no port is left of them.
      expect(await db.container.count({ where: { tenantId: t.id } })).toBe(3);
    } finally {
      process.env.BERTH_WRITES_PER_MINUTE = "1000";
      await cleanUpTenant(t);
    }
  });
});
