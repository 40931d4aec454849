import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";

/**
 * better-sqlite3 as Prisma's adapter loads it, for tests that open the database file next to
 * the portal's own connection (to tamper with it, or to read what was stored). The adapter has
 * a copy of better-sqlite3, and so of SQLite, of its own: two copies of SQLite in one process
 * do not see each other's POSIX locks, and in WAL mode a connection of the other copy closing
 * checkpoints and resets the WAL under the live one, whose later reads then mix old and new
 * pages. One copy keeps SQLite's own bookkeeping of connections to the same file.
 */
const adapterRequire = createRequire(require.resolve("@prisma/adapter-better-sqlite3"));
export const RawDatabase = adapterRequire("better-sqlite3") as typeof BetterSqlite3;
