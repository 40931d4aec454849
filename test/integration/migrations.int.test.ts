import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { RawDatabase as Database } from "../support/raw-sqlite";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/generated/prisma/client";

/*
 * `npm run up` applies new migrations to a database that already holds a portal's data.
 * This builds such a database from the migrations before the newest, fills it the way the
 * previous version wrote its rows, applies the newest migration's SQL, and reads the rows
 * back through today's client.
 */
const MIGRATIONS = path.join(process.cwd(), "prisma", "migrations");
const JSON_AND_ENUMS = "20261129000000_enums_and_json_columns";
const dir = mkdtempSync(path.join(tmpdir(), "berth-migrate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function apply(file: string, names: string[]) {
  const sqlite = new Database(file);
  for (const name of names) sqlite.exec(readFileSync(path.join(MIGRATIONS, name, "migration.sql"), "utf8"));
  return sqlite;
}

describe("migrations on an existing database", () => {
  it("enums and Json columns keep every row: argv, env keys and healthchecks read back as JSON", async () => {
    const all = readdirSync(MIGRATIONS)
      .filter((n) => /^\d+_/.test(n))
      .sort();
    const before = all.slice(0, all.indexOf(JSON_AND_ENUMS));
    expect(before.length).toBeGreaterThan(0);
    const file = path.join(dir, "berth.db");
    const sqlite = apply(file, before);
    sqlite.prepare("INSERT INTO User (id, email, passwordHash, role) VALUES ('u1', 'a@test.berth', 'x', 'operator')").run();
    sqlite.prepare("INSERT INTO Tenant (id, name, slug, uid) VALUES ('t1', 'T', 't', 20000)").run();
    sqlite.prepare("INSERT INTO Membership (userId, tenantId, role) VALUES ('u1', 't1', 'owner')").run();
    sqlite
      .prepare("INSERT INTO CatalogImage (id, ref, name, defaultCommand, healthcheck) VALUES ('i1', 'berth/x:1', 'X', ?, ?)")
      .run(
        JSON.stringify(["sh", "-c", "echo 'hi there'"]),
        JSON.stringify({ test: ["CMD", "true"], intervalSeconds: 5, timeoutSeconds: 2, retries: 3 }),
      );
    sqlite
      .prepare(
        "INSERT INTO Container (id, tenantId, name, imageRef, status, memoryMb, cpuMillis, command, envKeys, readOnlyRootfs, restart) VALUES ('c1', 't1', 'web', 'berth/x:1', 'stopped', 64, 100, ?, ?, 1, 'no')",
      )
      .run(JSON.stringify(["httpd", "-f"]), JSON.stringify(["A", "B"]));
    sqlite
      .prepare("INSERT INTO PortAllocation (hostIp, hostPort, protocol, containerPort, containerId) VALUES ('127.0.0.1', 18000, 'tcp', 8080, 'c1')")
      .run();
    sqlite.close();

    apply(file, all.slice(before.length)).close();

    const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}` }) });
    try {
      const container = await db.container.findUniqueOrThrow({ where: { id: "c1" }, include: { ports: true } });
      expect(container).toMatchObject({ status: "stopped", command: ["httpd", "-f"], envKeys: ["A", "B"] });
      // The table was redefined: rows that point at it (with ON DELETE CASCADE) must survive.
      expect(container.ports).toHaveLength(1);
      expect(await db.catalogImage.findUniqueOrThrow({ where: { id: "i1" } })).toMatchObject({
        defaultCommand: ["sh", "-c", "echo 'hi there'"],
        healthcheck: { test: ["CMD", "true"], intervalSeconds: 5, timeoutSeconds: 2, retries: 3 },
      });
      expect(await db.user.findUniqueOrThrow({ where: { id: "u1" }, include: { memberships: true } })).toMatchObject({
        role: "operator",
        memberships: [{ role: "owner" }],
      });
    } finally {
      await db.$disconnect();
    }
  });
});
