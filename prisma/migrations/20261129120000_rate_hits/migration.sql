-- LoginFailure gives way to RateHit, the generic rate limiter's table (sign-in throttling
-- and per-actor write limits). Failure counts live for minutes to hours; losing them on
-- upgrade only restarts every sign-in throttle window, so they are not carried over.

-- DropTable
PRAGMA foreign_keys=off;
DROP TABLE "LoginFailure";
PRAGMA foreign_keys=on;

-- CreateTable
CREATE TABLE "RateHit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "RateHit_key_at_idx" ON "RateHit"("key", "at");
