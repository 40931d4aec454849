-- CreateTable
CREATE TABLE "Container" (
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
    CONSTRAINT "Container_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PortAllocation" (
    "hostIp" TEXT NOT NULL,
    "hostPort" INTEGER NOT NULL,
    "protocol" TEXT NOT NULL,
    "containerPort" INTEGER NOT NULL,
    "containerId" TEXT NOT NULL,

    PRIMARY KEY ("hostIp", "hostPort", "protocol"),
    CONSTRAINT "PortAllocation_containerId_fkey" FOREIGN KEY ("containerId") REFERENCES "Container" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Volume" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "dockerName" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT,
    CONSTRAINT "Volume_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ContainerMount" (
    "containerId" TEXT NOT NULL,
    "volumeId" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "readOnly" BOOLEAN NOT NULL,

    PRIMARY KEY ("containerId", "path"),
    CONSTRAINT "ContainerMount_containerId_fkey" FOREIGN KEY ("containerId") REFERENCES "Container" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ContainerMount_volumeId_fkey" FOREIGN KEY ("volumeId") REFERENCES "Volume" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
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
    "allowOutbound" BOOLEAN NOT NULL DEFAULT true
);
INSERT INTO "new_Tenant" ("createdAt", "id", "name", "slug", "suspended", "uid") SELECT "createdAt", "id", "name", "slug", "suspended", "uid" FROM "Tenant";
DROP TABLE "Tenant";
ALTER TABLE "new_Tenant" RENAME TO "Tenant";
CREATE UNIQUE INDEX "Tenant_slug_key" ON "Tenant"("slug");
CREATE UNIQUE INDEX "Tenant_uid_key" ON "Tenant"("uid");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Container_dockerId_key" ON "Container"("dockerId");

-- CreateIndex
CREATE INDEX "Container_tenantId_createdAt_idx" ON "Container"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Container_tenantId_name_key" ON "Container"("tenantId", "name");

-- CreateIndex
CREATE INDEX "PortAllocation_containerId_idx" ON "PortAllocation"("containerId");

-- CreateIndex
CREATE UNIQUE INDEX "Volume_dockerName_key" ON "Volume"("dockerName");

-- CreateIndex
CREATE UNIQUE INDEX "Volume_tenantId_name_key" ON "Volume"("tenantId", "name");

-- CreateIndex
CREATE INDEX "ContainerMount_volumeId_idx" ON "ContainerMount"("volumeId");

