import { inject } from "vitest";

// Before any test module imports lib/db, point it at the migrated temp database.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.BERTH_TEST_RUN_ID = inject("runId");
process.env.BERTH_PORT_RANGE = inject("portRange");
process.env.BERTH_AUDIT_KEY = inject("auditKey");
process.env.BERTH_ARCHIVE_DIR = inject("archiveDir");
// Test files launch many containers as one owner within a minute; the limit itself is tested
// with its production value in abuse.int.test.ts.
process.env.BERTH_WRITES_PER_MINUTE = "1000";
// Berth's edge for the ingress tests (test/integration/ingress.int.test.ts), on this run's
// ports; the portal and the apps share the parent domain berth.test on purpose (the cookie test).
const edge = inject("edge");
process.env.BERTH_EDGE_NAME = edge.name;
process.env.BERTH_EDGE_DIR = edge.dir;
process.env.BERTH_HTTPS_PORT = String(edge.httpsPort);
process.env.BERTH_HTTP_PORT = String(edge.httpPort);
process.env.BERTH_PORTAL_URL = `https://portal.berth.test:${edge.httpsPort}`;
process.env.BERTH_APPS_DOMAIN = "apps.berth.test";
