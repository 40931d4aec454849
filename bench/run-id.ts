/** This run's label value (`berth.test=<run id>`): everything the benchmark creates carries it. */
export const runId = process.env.BERTH_TEST_RUN_ID ?? "";
if (!/^bench-/.test(runId)) throw new Error("BERTH_TEST_RUN_ID must be set to bench-<something> (scripts/bench.sh does it)");
