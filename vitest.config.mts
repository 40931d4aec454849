import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
// `server-only` throws outside a React Server Components bundle; in tests the
// server modules run under plain Node, so point it at an empty module.
const alias = {
  "@": root,
  "server-only": fileURLToPath(new URL("./test/server-only-stub.ts", import.meta.url)),
};

export default defineConfig({
  test: {
    // The default report, and at its end every test that passed only on its retry.
    reporters: ["default", "./test/support/flaky-reporter.ts"],
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "test/unit/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["**/*.int.test.ts"],
          exclude: ["node_modules/**"],
          environment: "node",
          globalSetup: ["test/integration/global-setup.ts"],
          // next-auth imports "next/server" without an extension, which Node's ESM loader
          // refuses; processed by Vite it resolves (the refusal test imports every route).
          server: { deps: { inline: ["next-auth"] } },
          setupFiles: ["test/integration/setup-env.ts"],
          // One real daemon and one SQLite file per worker: keep files sequential so
          // port ranges and networks never collide between files.
          fileParallelism: false,
          // One retry: these tests drive a real daemon on a shared machine, where one slow
          // moment can fail a test that passes on its own. A test that fails twice still fails,
          // and the flaky reporter names every retried pass with its first error.
          retry: 1,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          // On a local multi-node Swarm (scripts/swarm.sh up; scripts/test.sh's Swarm stage).
          name: "swarm",
          include: ["test/swarm/**/*.swarm.test.ts"],
          exclude: ["node_modules/**"],
          environment: "node",
          globalSetup: ["test/swarm/global-setup.ts"],
          server: { deps: { inline: ["next-auth"] } },
          setupFiles: ["test/integration/setup-env.ts", "test/swarm/setup-env.ts"],
          // One Swarm shared by every file: files run one at a time (a drain moves everyone's tasks).
          fileParallelism: false,
          retry: 1, // as the integration tests
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
