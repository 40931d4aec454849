import { describe, expect, it } from "vitest";
import { TokenBucket } from "./token-bucket";

describe("TokenBucket", () => {
  it("allows a burst of `capacity`, then refills at the rate", () => {
    let now = 0;
    const bucket = new TokenBucket(10, 5, () => now);
    for (let i = 0; i < 5; i++) expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(100);
    now += 100;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(100);
  });

  it("never holds more than its capacity", () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    now += 60_000;
    for (let i = 0; i < 3; i++) expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBeGreaterThan(0);
  });

  it("charges by cost; a cost above the capacity never fits", () => {
    const bucket = new TokenBucket(20, 40, () => 0);
    expect(bucket.take(20)).toBe(0);
    expect(bucket.take(20)).toBe(0);
    expect(bucket.take(20)).toBe(1000);
    expect(bucket.take(41)).toBe(Infinity);
  });
});
