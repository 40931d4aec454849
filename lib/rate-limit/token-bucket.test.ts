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

  it("spend takes what was already used, going into debt, and says how long the debt lasts", () => {
    let now = 0;
    const bucket = new TokenBucket(1000, 1000, () => now); // 1000 bytes a second, a burst of 1000
    expect(bucket.spend(600)).toBe(0);
    expect(bucket.spend(900)).toBe(500); // 500 in debt: half a second
    now += 200;
    expect(bucket.spend(0)).toBe(300);
    now += 300;
    expect(bucket.spend(0)).toBe(0); // back at zero
    now += 10_000;
    expect(bucket.spend(1500)).toBe(500); // refilled to the capacity only, not beyond
  });
});
