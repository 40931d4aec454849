import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { ActionName } from "@/lib/activity/actions";
import type { Actor } from "@/lib/auth/actor";
import { loadActor } from "@/lib/auth/load-actor";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { ServiceError } from "@/lib/errors";
import type { MembershipRole, Role } from "@/lib/schemas/user";

export const client = { ip: "127.0.0.1", userAgent: "vitest", requestId: "test" };

/** A short unique suffix so files sharing one database never collide. */
export function uniq(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export const TEST_PASSWORD = "correct horse battery";

/** Inserts a user straight into the database (setup, not the behaviour under test). */
export async function makeUser(role: Role, memberships: { tenantId: string; role: MembershipRole }[] = []): Promise<{ id: string; email: string }> {
  return db.user.create({
    data: {
      email: `${uniq(role)}@test.berth`,
      passwordHash: await hashPassword(TEST_PASSWORD),
      role,
      memberships: { create: memberships },
    },
    select: { id: true, email: true },
  });
}

export async function actorOf(user: { id: string }): Promise<Actor> {
  const actor = await loadActor(user.id, client);
  if (!actor) throw new Error("test user is disabled or gone");
  return actor;
}

export async function makeActor(role: Role, memberships: { tenantId: string; role: MembershipRole }[] = []) {
  return actorOf(await makeUser(role, memberships));
}

/** Every Docker object this test run labelled (berth.test=<run id>), as the engine lists them. */
export function dockerObjectsOfRun(): { containers: string[]; volumes: string[]; networks: string[] } {
  const filter = `label=berth.test=${process.env.BERTH_TEST_RUN_ID}`;
  const ids = (args: string[]) =>
    execFileSync("docker", args, { encoding: "utf8" })
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    containers: ids(["ps", "-aq", "--filter", filter]),
    volumes: ids(["volume", "ls", "-q", "--filter", filter]),
    networks: ids(["network", "ls", "-q", "--filter", filter]),
  };
}

/** The ServiceError code a call fails with, or "resolved": for tables of refusals. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    if (error instanceof ServiceError) return error.code;
    throw error;
  }
}

/** Reads until `ok` holds or the time is up, and returns the last value read (to assert on). */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 150));
    value = await read();
  }
  return value;
}

/**
 * An action of the tests' own (`test.<name>`): outside Berth's union on purpose, so events a
 * test plants never read as real ones.
 */
export function testAction(name: string): ActionName {
  return `test.${name}` as ActionName;
}
