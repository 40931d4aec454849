import { describe, expect, it } from "vitest";
import type { ChainedContent } from "@/lib/activity/chain";
import { GroupCommit, type RecordedEvent } from "@/lib/activity/group-commit";

type Content = Omit<ChainedContent, "at">;

function content(action: string): Content {
  return {
    actorType: "system",
    actorId: null,
    actorEmail: null,
    actorRole: null,
    tenantId: null,
    action,
    target: null,
    outcome: "allowed",
    reason: null,
    ip: null,
    userAgent: null,
    requestId: null,
    details: null,
  };
}

/** A fake log: appends in order, one "transaction" per call, failing a batch that holds a poisoned event. */
function fakeLog(delayMs = 5) {
  const log: string[] = [];
  const batches: string[][] = [];
  let active = 0;
  let overlapped = false;
  const append = async (contents: Content[]): Promise<RecordedEvent[]> => {
    active++;
    if (active > 1) overlapped = true;
    try {
      await new Promise((r) => setTimeout(r, delayMs));
      if (contents.some((c) => c.action === "poison")) throw new Error("poisoned batch");
      batches.push(contents.map((c) => c.action));
      return contents.map((c) => {
        log.push(c.action);
        return { seq: log.length, hash: c.action, at: new Date() };
      });
    } finally {
      active--;
    }
  };
  return { append, log, batches, overlapped: () => overlapped };
}

describe("group commit", () => {
  it("a lone event is committed at once, in a batch of its own", async () => {
    const fake = fakeLog();
    const writer = new GroupCommit(fake.append);
    expect(await writer.enqueue(content("a"))).toMatchObject({ seq: 1, hash: "a" });
    expect(fake.batches).toEqual([["a"]]);
  });

  it("callers that arrive together share one transaction, in the order they called, each getting its own event", async () => {
    const fake = fakeLog();
    const writer = new GroupCommit(fake.append);
    const names = Array.from({ length: 50 }, (_, i) => `e${i}`);
    const results = await Promise.all(names.map((n) => writer.enqueue(content(n))));
    expect(fake.batches).toEqual([names]);
    expect(results.map((r) => r.hash)).toEqual(names);
    expect(results.map((r) => r.seq)).toEqual(names.map((_, i) => i + 1));
  });

  it("events that arrive while a batch commits form the next one; batches never overlap", async () => {
    const fake = fakeLog(20);
    const writer = new GroupCommit(fake.append, 10);
    const first = writer.enqueue(content("first"));
    await new Promise((r) => setTimeout(r, 5)); // the first batch is committing now
    const later = Array.from({ length: 25 }, (_, i) => writer.enqueue(content(`l${i}`)));
    await Promise.all([first, ...later]);
    // At most maxBatch per transaction, in arrival order, one transaction at a time.
    expect(fake.batches.map((b) => b.length)).toEqual([1, 10, 10, 5]);
    expect(fake.log).toEqual(["first", ...Array.from({ length: 25 }, (_, i) => `l${i}`)]);
    expect(fake.overlapped()).toBe(false);
  });

  it("a failing event fails its own caller only: the rest of its batch is committed", async () => {
    const fake = fakeLog();
    const writer = new GroupCommit(fake.append);
    const settled = await Promise.allSettled(["a", "poison", "b"].map((n) => writer.enqueue(content(n))));
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ message: "poisoned batch" });
    expect(fake.log).toEqual(["a", "b"]);
    // And the writer goes on afterwards.
    expect(await writer.enqueue(content("c"))).toMatchObject({ hash: "c" });
  });
});
