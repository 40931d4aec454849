import { removeDockerObjects } from "../test/support/docker-cleanup";

/**
 * The e2e server labels everything it creates with BERTH_TEST_RUN_ID (scripts/test.sh sets
 * it); the specs remove their containers, and this removes whatever is left, tenant
 * networks included (each one holds one of the engine's limited address pools).
 */
export default function globalTeardown() {
  const runId = process.env.BERTH_TEST_RUN_ID;
  if (runId) removeDockerObjects(runId);
}
