import type { Reporter, TestCase } from "vitest/node";

/**
 * Names every test that failed and then passed on its retry (vitest's `retry`, set for the
 * suites that talk to a real daemon), with the first attempt's error, at the end of the run;
 * scripts/test.sh repeats the list at the end of `npm test`. A retry keeps one slow moment of
 * a shared machine from failing the run, and this keeps the flake from going unseen.
 */
export default class FlakyReporter implements Reporter {
  private readonly flaky: string[] = [];

  onTestCaseResult(test: TestCase) {
    const diagnostic = test.diagnostic();
    if (!diagnostic?.flaky) return;
    const first = test.result().errors?.[0];
    const why = first ? `: ${(first.message ?? String(first)).split("\n")[0]}` : "";
    this.flaky.push(`${test.module.relativeModuleId} > ${test.fullName} (passed on retry ${diagnostic.retryCount}${why})`);
  }

  onTestRunEnd() {
    if (this.flaky.length === 0) return;
    console.log(`\nFlaky: ${this.flaky.length} test(s) failed once and passed on retry:\n${this.flaky.map((f) => `  ${f}`).join("\n")}\n`);
  }
}
