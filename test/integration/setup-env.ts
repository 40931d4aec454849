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
