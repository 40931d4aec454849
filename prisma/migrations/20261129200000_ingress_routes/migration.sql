-- CreateTable
CREATE TABLE "IngressRoute" (
    "hostName" TEXT NOT NULL PRIMARY KEY,
    "containerId" TEXT NOT NULL,
    "containerPort" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "IngressRoute_containerId_fkey" FOREIGN KEY ("containerId") REFERENCES "Container" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "IngressRoute_containerId_containerPort_key" ON "IngressRoute"("containerId", "containerPort");

