import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { listActivity } from "@/lib/services/activity";
import { launchContainer } from "@/lib/services/launch-container";
import { codeOf } from "./fixtures";
import { tenantWithOwner } from "./tenancy";

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
