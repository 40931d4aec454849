import { describe, expect, it } from "vitest";
import { recordActivity } from "@/lib/activity/record";
import { db } from "@/lib/db";
import { recentTenantActivity } from "@/lib/services/activity-feed";
import { testAction, uniq } from "./fixtures";
import { tenantWithOwner } from "./tenancy";

/**
 * The tenant feed (dashboard, container pages) reads only the columns it shows: what it
 * returns must be exactly what the full rows say, for every field and every filter it takes.
 */
describe("recentTenantActivity", () => {
  it("shows each event's time, who, action, target, outcome and reason as stored, newest first, by target and since", async () => {
    const t = await tenantWithOwner("feed");
    const action = testAction("feed.test");
    const target = `container:${uniq("c")}`;
    await recordActivity(t.owner, { action, outcome: "allowed", tenantId: t.id, target, details: { big: "x".repeat(100) } });
    await recordActivity({ kind: "system" }, { action, outcome: "failed", tenantId: t.id, target, reason: "exited with code 3" });
    await recordActivity(t.owner, { action, outcome: "denied", tenantId: t.id, target: "container:other", reason: "quota" });

    const rows = await db.activityEvent.findMany({ where: { tenantId: t.id }, orderBy: { seq: "desc" } });
    const expected = rows.map((e) => ({
      id: String(e.seq),
      at: e.at.toISOString(),
      actor: e.actorEmail ?? e.actorType,
      action: e.action,
      target: e.target,
      outcome: e.outcome,
      reason: e.reason,
    }));
    expect(await recentTenantActivity(t.owner, t.id, { limit: 10 })).toEqual(expected);
    expect(expected.map((e) => e.actor)).toContain("system");
    expect(await recentTenantActivity(t.owner, t.id, { limit: 2 })).toEqual(expected.slice(0, 2));
    expect(await recentTenantActivity(t.owner, t.id, { target })).toEqual(expected.filter((e) => e.target === target));
    const newest = rows[0];
    expect(await recentTenantActivity(t.owner, t.id, { since: newest.at })).toEqual(expected.filter((e) => e.at >= newest.at.toISOString()));
  });
});
