import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.BERTH_E2E_PORT ?? 3100);
export const baseURL = `http://127.0.0.1:${port}`;

// Runs against the production build (scripts/test.sh builds it and prepares the e2e
// database). Debian's Chromium: Playwright cannot download its own browser here.
export default defineConfig({
  testDir: "e2e",
  globalTeardown: "./e2e/global-teardown.ts",
  fullyParallel: false,
  workers: 1,
  // One retry, for one known environmental flake: Chromium aborts in-flight requests with
  // ERR_NETWORK_CHANGED when a network interface appears, and Docker adds one for every
  // tenant network and container these tests create. A test that fails twice still fails,
  // and Playwright reports a retried pass as "flaky".
  retries: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  outputDir: "test-results",
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.BERTH_CHROMIUM ?? "/usr/lib/chromium/chromium",
      // The closed network otherwise causes connection storms at every start.
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } } }],
  webServer: {
    // As `npm run up` starts it: portal-server.cjs (which stamps each request's peer address).
    // exec: the shell becomes the server, so Playwright's SIGTERM reaches it and it stops its
    // edge sync before scripts/test.sh sweeps the run's containers (the edge included).
    command: `BERTH_LISTEN_ADDRESS=127.0.0.1 PORT=${port} exec node scripts/portal-server.cjs`,
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    url: `${baseURL}/api/v1/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
