import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { databaseUrl } from "@/lib/database-url";

/**
 * How the one connection of the process talks to the SQLite file, set on every connection
 * the adapter opens (synchronous is per connection; journal_mode is kept in the file).
 *
 * - WAL: a commit appends to the write-ahead log and syncs that one file, instead of the
 *   rollback journal's write-journal, sync, write-database, sync, delete-journal; readers
 *   (another process: a script, the tests' raw checks) never block the writer. Measured on
 *   this host: a two-insert commit takes 0.26 ms median in WAL+FULL against 1.0 ms (p95
 *   8.6 ms) in the rollback journal.
 * - synchronous=FULL: the WAL is synced at every commit, so a committed launch, its
 *   reservation and its activity record survive a power loss or OS crash as well as a crash
 *   of this process. NORMAL would also survive a process crash (the WAL is written before the
 *   commit returns) but could lose the last commits at a power loss, and the hash-chained
 *   log promises that a recorded change stays recorded; NORMAL would save ~0.25 ms per
 *   commit (two commits per launch on a ~400 ms create+start): not worth that promise.
 * - busy_timeout: a writer in another process (a script, the tests) makes this one wait up
 *   to 5 s for the lock instead of failing at once with SQLITE_BUSY.
 */
const PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;";

class TunedSqlite extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    await adapter.executeScript(PRAGMAS);
    return adapter;
  }
}

function createClient() {
  const adapter = new TunedSqlite({ url: databaseUrl() });
  // passwordHash never leaves the data layer unless a query asks for it by name.
  return new PrismaClient({ adapter, omit: { user: { passwordHash: true } } });
}

type Client = ReturnType<typeof createClient>;
const globalForPrisma = globalThis as unknown as { berthPrisma?: Client };

/** The one Prisma client of the process (cached on globalThis so dev reloads reuse it). */
export const db: Client = globalForPrisma.berthPrisma ?? createClient();
globalForPrisma.berthPrisma = db;

export type Db = Client;
type TransactionClient = Parameters<Parameters<Client["$transaction"]>[0]>[0];
/** The client or an interactive transaction: what a function takes to join the caller's transaction. */
export type Tx = Client | TransactionClient;
