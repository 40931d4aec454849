import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { databaseUrl } from "@/lib/database-url";

function createClient() {
  const adapter = new PrismaBetterSQLite3({ url: databaseUrl() });
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
