-- CreateTable
CREATE TABLE "QuotaDefaults" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
    "maxContainers" INTEGER NOT NULL DEFAULT 10,
    "maxMemoryMb" INTEGER NOT NULL DEFAULT 2048,
    "maxCpuMillis" INTEGER NOT NULL DEFAULT 4000,
    "maxVolumes" INTEGER NOT NULL DEFAULT 10,
    "containerMaxMemoryMb" INTEGER NOT NULL DEFAULT 1024,
    "containerMaxCpuMillis" INTEGER NOT NULL DEFAULT 2000,
    "updatedAt" DATETIME NOT NULL,
    "updatedById" TEXT
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Tenant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "suspended" BOOLEAN NOT NULL DEFAULT false,
    "uid" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "allowNetBindService" BOOLEAN NOT NULL DEFAULT false,
    "allowWritableRootfs" BOOLEAN NOT NULL DEFAULT false,
    "allowOutbound" BOOLEAN NOT NULL DEFAULT true,
    "maxContainers" INTEGER NOT NULL DEFAULT 10,
    "maxMemoryMb" INTEGER NOT NULL DEFAULT 2048,
    "maxCpuMillis" INTEGER NOT NULL DEFAULT 4000,
    "maxVolumes" INTEGER NOT NULL DEFAULT 10,
    "containerMaxMemoryMb" INTEGER NOT NULL DEFAULT 1024,
    "containerMaxCpuMillis" INTEGER NOT NULL DEFAULT 2000,
    "reservationVersion" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "new_Tenant" ("allowNetBindService", "allowOutbound", "allowWritableRootfs", "createdAt", "id", "name", "slug", "suspended", "uid") SELECT "allowNetBindService", "allowOutbound", "allowWritableRootfs", "createdAt", "id", "name", "slug", "suspended", "uid" FROM "Tenant";
DROP TABLE "Tenant";
ALTER TABLE "new_Tenant" RENAME TO "Tenant";
CREATE UNIQUE INDEX "Tenant_slug_key" ON "Tenant"("slug");
CREATE UNIQUE INDEX "Tenant_uid_key" ON "Tenant"("uid");
CREATE TABLE "new_ActivityEvent" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "actorRole" TEXT,
    "tenantId" TEXT,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "outcome" TEXT NOT NULL,
    "reason" TEXT,
    "ip" TEXT,
    "userAgent" TEXT,
    "requestId" TEXT,
    "details" TEXT,
    "prevHash" TEXT,
    "hash" TEXT NOT NULL DEFAULT ''
);
INSERT INTO "new_ActivityEvent" ("action", "actorEmail", "actorId", "actorRole", "actorType", "at", "details", "ip", "outcome", "reason", "requestId", "seq", "target", "tenantId", "userAgent") SELECT "action", "actorEmail", "actorId", "actorRole", "actorType", "at", "details", "ip", "outcome", "reason", "requestId", "seq", "target", "tenantId", "userAgent" FROM "ActivityEvent";
DROP TABLE "ActivityEvent";
ALTER TABLE "new_ActivityEvent" RENAME TO "ActivityEvent";
CREATE UNIQUE INDEX "ActivityEvent_prevHash_key" ON "ActivityEvent"("prevHash");
CREATE INDEX "ActivityEvent_tenantId_seq_idx" ON "ActivityEvent"("tenantId", "seq");
CREATE INDEX "ActivityEvent_action_seq_idx" ON "ActivityEvent"("action", "seq");
CREATE INDEX "ActivityEvent_outcome_seq_idx" ON "ActivityEvent"("outcome", "seq");
CREATE INDEX "ActivityEvent_actorId_seq_idx" ON "ActivityEvent"("actorId", "seq");
CREATE INDEX "ActivityEvent_at_idx" ON "ActivityEvent"("at");
CREATE TABLE "new_Container" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "imageId" TEXT,
    "imageRef" TEXT NOT NULL,
    "dockerId" TEXT,
    "status" TEXT NOT NULL,
    "memoryMb" INTEGER NOT NULL,
    "cpuMillis" INTEGER NOT NULL,
    "command" TEXT,
    "envKeys" TEXT,
    "readOnlyRootfs" BOOLEAN NOT NULL,
    "restart" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT,
    "createdByEmail" TEXT,
    "exitCode" INTEGER,
    "oomKilled" BOOLEAN NOT NULL DEFAULT false,
    "health" TEXT,
    "stateChangedAt" DATETIME,
    "quarantineReason" TEXT,
    CONSTRAINT "Container_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Container" ("command", "cpuMillis", "createdAt", "createdByEmail", "createdById", "dockerId", "envKeys", "id", "imageId", "imageRef", "memoryMb", "name", "readOnlyRootfs", "restart", "status", "tenantId") SELECT "command", "cpuMillis", "createdAt", "createdByEmail", "createdById", "dockerId", "envKeys", "id", "imageId", "imageRef", "memoryMb", "name", "readOnlyRootfs", "restart", "status", "tenantId" FROM "Container";
DROP TABLE "Container";
ALTER TABLE "new_Container" RENAME TO "Container";
CREATE UNIQUE INDEX "Container_dockerId_key" ON "Container"("dockerId");
CREATE INDEX "Container_tenantId_createdAt_idx" ON "Container"("tenantId", "createdAt");
CREATE UNIQUE INDEX "Container_tenantId_name_key" ON "Container"("tenantId", "name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- The activity log is append-only: the database itself refuses edits and deletions, so no
-- code path (or a stray script through Prisma) can rewrite history.
CREATE TRIGGER "ActivityEvent_no_update" BEFORE UPDATE ON "ActivityEvent"
BEGIN
  SELECT RAISE(ABORT, 'activity events are append-only');
END;
CREATE TRIGGER "ActivityEvent_no_delete" BEFORE DELETE ON "ActivityEvent"
BEGIN
  SELECT RAISE(ABORT, 'activity events are append-only');
END;
