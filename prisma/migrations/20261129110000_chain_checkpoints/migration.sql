-- Signed checkpoints of the activity chain's head (lib/activity/checkpoints.ts).
CREATE TABLE "ChainCheckpoint" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "seq" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "archive" TEXT,
    "signature" TEXT NOT NULL
);

CREATE INDEX "ChainCheckpoint_seq_idx" ON "ChainCheckpoint"("seq");

-- Checkpoints are append-only, like the events they vouch for.
CREATE TRIGGER "ChainCheckpoint_no_update" BEFORE UPDATE ON "ChainCheckpoint"
BEGIN
  SELECT RAISE(ABORT, 'chain checkpoints are append-only');
END;
CREATE TRIGGER "ChainCheckpoint_no_delete" BEFORE DELETE ON "ChainCheckpoint"
BEGIN
  SELECT RAISE(ABORT, 'chain checkpoints are append-only');
END;

-- Events stay append-only, except those an archive checkpoint covers: an archive moves them
-- into a signed file, then deletes them. A forged archive row (no key, no valid signature)
-- still lets a writer of this file delete events, but verify then reports the checkpoint.
DROP TRIGGER "ActivityEvent_no_delete";
CREATE TRIGGER "ActivityEvent_no_delete" BEFORE DELETE ON "ActivityEvent"
WHEN OLD."seq" > (SELECT COALESCE(MAX("seq"), 0) FROM "ChainCheckpoint" WHERE "archive" IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'activity events are append-only');
END;
