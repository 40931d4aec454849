/**
 * First-run data for `npm run up`: the first admin and the starter catalog. Safe to run
 * again: it creates only what is missing. Run with tsx (server-only is satisfied by the
 * react-server condition, see scripts/up.sh).
 */
import { randomBytes } from "node:crypto";
import { readIngressSettings } from "@/lib/ingress/settings";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { ensureFirstAdmin } from "@/lib/services/users";

async function main() {
  // Before anything is built: a portal whose apps domain overlaps its host must not start (N3).
  readIngressSettings();
  const email = process.env.BERTH_ADMIN_EMAIL ?? "admin@berth.local";
  const given = process.env.BERTH_ADMIN_PASSWORD;
  const password = given ?? randomBytes(12).toString("base64url");
  if (await ensureFirstAdmin(email, password)) {
    console.log(`[berth] first admin created: ${email}`);
    // Printed once, here, and never stored in readable form.
    if (!given) console.log(`[berth] generated password (shown only now): ${password}`);
  } else {
    console.log("[berth] an admin exists already; no admin created");
  }
  const added = await seedStarterCatalog();
  console.log(added.length ? `[berth] catalog: added ${added.join(", ")}` : "[berth] catalog: starter images registered already");
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error("[berth] bootstrap failed:", error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
