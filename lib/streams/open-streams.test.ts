import { afterEach, describe, expect, it } from "vitest";
import { ServiceError } from "@/lib/errors";
import { admitStream, openStreamCount, STREAM_RETRY_AFTER_SECONDS } from "./open-streams";

function refusal(fn: () => unknown): ServiceError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

afterEach(() => {
  delete process.env.BERTH_STREAMS_PER_USER;
  delete process.env.BERTH_STREAMS_PER_TENANT;
});

describe("admitStream", () => {
  it("admits up to the per-user limit, then refuses with rate_limited and Retry-After; a release frees a slot", () => {
    process.env.BERTH_STREAMS_PER_USER = "2";
    const a = admitStream({ userId: "u1", tenantId: "t1" });
    admitStream({ userId: "u1", tenantId: "t1" });
    const error = refusal(() => admitStream({ userId: "u1", tenantId: "t2" }));
    expect(error.code).toBe("rate_limited");
    expect(error.retryAfter).toBe(STREAM_RETRY_AFTER_SECONDS);
    expect(error.message).toMatch(/You already have 2 streams open .*limit is 2 per user.*Close one/);
    // Another user is not affected.
    admitStream({ userId: "u2", tenantId: "t1" }).release();
    a.release();
    a.release(); // twice is harmless
    expect(openStreamCount({ userId: "u1" })).toBe(1);
    admitStream({ userId: "u1", tenantId: "t1" });
    expect(openStreamCount({ userId: "u1" })).toBe(2);
  });

  it("refuses past the per-tenant limit whoever asks", () => {
    process.env.BERTH_STREAMS_PER_TENANT = "3";
    const leases = ["x1", "x2", "x3"].map((userId) => admitStream({ userId, tenantId: "busy" }));
    const error = refusal(() => admitStream({ userId: "x4", tenantId: "busy" }));
    expect(error.message).toMatch(/This tenant already has 3 streams open \(the limit is 3 per tenant\)/);
    // A refused admission holds nothing.
    expect(openStreamCount({ userId: "x4" })).toBe(0);
    leases[0].release();
    admitStream({ userId: "x4", tenantId: "busy" });
    expect(openStreamCount({ tenantId: "busy" })).toBe(3);
  });

  it("counts a stream without a tenant against its user only", () => {
    process.env.BERTH_STREAMS_PER_USER = "1";
    const lease = admitStream({ userId: "admin-1" });
    expect(refusal(() => admitStream({ userId: "admin-1" })).code).toBe("rate_limited");
    lease.release();
    expect(openStreamCount({ userId: "admin-1" })).toBe(0);
  });

  it("rejects a nonsensical configured limit loudly", () => {
    process.env.BERTH_STREAMS_PER_USER = "zero";
    expect(() => admitStream({ userId: "u9" })).toThrow(/BERTH_STREAMS_PER_USER must be a whole number/);
  });
});
