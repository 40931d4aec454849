-- CreateIndex
CREATE INDEX "ActivityEvent_tenantId_action_outcome_seq_idx" ON "ActivityEvent"("tenantId", "action", "outcome", "seq");

