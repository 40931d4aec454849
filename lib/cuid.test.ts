import { describe, expect, it } from "vitest";
import { cuid } from "./cuid";

describe("cuid", () => {
  it("has the shape of Prisma's cuid() ids and never repeats", () => {
    const ids = Array.from({ length: 10_000 }, () => cuid());
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^c[0-9a-z]{24}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("orders roughly by time, as Prisma's do (the time comes first)", async () => {
    const first = cuid();
    await new Promise((r) => setTimeout(r, 5));
    expect(cuid().slice(0, 9) > first.slice(0, 9)).toBe(true);
  });
});
