-- Role, membership role, outcome and container status become enums (TEXT in SQLite, so no
-- data changes); stored argv, env keys and healthchecks become Json columns. The tables are
-- redefined with their rows copied as they are: the JSON text they held is valid Json.
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_CatalogImage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ref" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "defaultPort" INTEGER,
    "defaultCommand" JSONB,
    "healthcheck" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_CatalogImage" ("createdAt", "defaultCommand", "defaultPort", "description", "healthcheck", "id", "name", "ref") SELECT "createdAt", "defaultCommand", "defaultPort", "description", "healthcheck", "id", "name", "ref" FROM "CatalogImage";
DROP TABLE "CatalogImage";
ALTER TABLE "new_CatalogImage" RENAME TO "CatalogImage";
CREATE UNIQUE INDEX "CatalogImage_ref_key" ON "CatalogImage"("ref");
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
    "command" JSONB,
    "envKeys" JSONB,
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
INSERT INTO "new_Container" ("command", "cpuMillis", "createdAt", "createdByEmail", "createdById", "dockerId", "envKeys", "exitCode", "health", "id", "imageId", "imageRef", "memoryMb", "name", "oomKilled", "quarantineReason", "readOnlyRootfs", "restart", "stateChangedAt", "status", "tenantId") SELECT "command", "cpuMillis", "createdAt", "createdByEmail", "createdById", "dockerId", "envKeys", "exitCode", "health", "id", "imageId", "imageRef", "memoryMb", "name", "oomKilled", "quarantineReason", "readOnlyRootfs", "restart", "stateChangedAt", "status", "tenantId" FROM "Container";
DROP TABLE "Container";
ALTER TABLE "new_Container" RENAME TO "Container";
CREATE UNIQUE INDEX "Container_dockerId_key" ON "Container"("dockerId");
CREATE INDEX "Container_tenantId_createdAt_idx" ON "Container"("tenantId", "createdAt");
CREATE UNIQUE INDEX "Container_tenantId_name_key" ON "Container"("tenantId", "name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

