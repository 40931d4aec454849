-- CreateIndex
CREATE INDEX "ActivityEvent_tenantId_action_seq_idx" ON "ActivityEvent"("tenantId", "action", "seq");

-- CreateIndex
CREATE INDEX "ActivityEvent_tenantId_outcome_seq_idx" ON "ActivityEvent"("tenantId", "outcome", "seq");

