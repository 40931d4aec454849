import { describe, expect, it } from "vitest";
import { isUniqueViolation } from "./prisma-errors";

describe("isUniqueViolation", () => {
  // The shapes Prisma 6 throws with the better-sqlite3 adapter.
  const modelQuery = { code: "P2002", meta: { modelName: "ActivityEvent", driverAdapterError: { cause: { constraint: { fields: ["prevHash"] } } } } };
  const rawQuery = {
    code: "P2010",
    meta: {
      driverAdapterError: {
        name: "DriverAdapterError",
        cause: { originalCode: "SQLITE_CONSTRAINT_UNIQUE", kind: "UniqueConstraintViolation", constraint: { fields: ["prevHash"] } },
      },
    },
    message: "Raw query failed. Code: `SQLITE_CONSTRAINT_UNIQUE`. Message: `UNIQUE constraint failed: ActivityEvent.prevHash`",
  };
  const busy = { code: "P2010", meta: { driverAdapterError: { cause: { originalCode: "SQLITE_BUSY", kind: "SocketTimeout" } } } };

  it("recognises a model query's and a raw query's unique failure, on the field asked for", () => {
    expect(isUniqueViolation(modelQuery, "prevHash")).toBe(true);
    expect(isUniqueViolation(rawQuery, "prevHash")).toBe(true);
    expect(isUniqueViolation(rawQuery)).toBe(true);
    expect(isUniqueViolation(rawQuery, "email")).toBe(false);
  });

  it("is false for any other failure", () => {
    expect(isUniqueViolation(busy, "prevHash")).toBe(false);
    expect(isUniqueViolation(new Error("UNIQUE constraint failed: ActivityEvent.prevHash"), "prevHash")).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});
