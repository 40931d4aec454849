import path from "node:path";

/** The SQLite file Berth uses: DATABASE_URL, or data/berth.db under the project. */
export function databaseUrl(): string {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return fromEnv;
  return "file:" + path.join(process.cwd(), "data", "berth.db");
}
