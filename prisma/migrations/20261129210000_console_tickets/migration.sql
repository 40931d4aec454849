-- CreateTable
CREATE TABLE "ConsoleTicket" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ticketHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "apiTokenId" TEXT,
    "containerId" TEXT NOT NULL,
    "cols" INTEGER NOT NULL,
    "rows" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    CONSTRAINT "ConsoleTicket_containerId_fkey" FOREIGN KEY ("containerId") REFERENCES "Container" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "ConsoleTicket_ticketHash_key" ON "ConsoleTicket"("ticketHash");

-- CreateIndex
CREATE INDEX "ConsoleTicket_expiresAt_idx" ON "ConsoleTicket"("expiresAt");

