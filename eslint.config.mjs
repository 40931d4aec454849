// ESLint flat config. `npm run lint` (and the "lint" stage of `npm test`) allows no warnings.
import { builtinModules } from "node:module";
import nextPlugin from "@next/eslint-plugin-next";
import prettier from "eslint-config-prettier";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

// ── Layer rules ─────────────────────────────────────────────────────────────────────────
// Each is a `no-restricted-imports` pattern with the reason in its message. ESLint keeps only
// the last matching setting of a rule per file, so every file group below lists all the
// restrictions that apply to it (test/unit/layer-rules.test.ts checks each one fires).

/** Only lib/docker talks to the Docker daemon. */
const noDockerClient = {
  regex: "^(dockerode|docker-modem)(/|$)",
  message:
    "Only lib/docker may import dockerode/docker-modem: it is the one daemon client, and it asserts every create body and acts only on objects labelled for the caller's tenant. Call a lib/docker function instead.",
};

/** components/ is reusable UI; app/ composes it, never the other way round. */
const noApp = {
  regex: "^(@/app|(\\.\\./)+app)(/|$)",
  message:
    "components/ must not import from app/: app/ (pages, route handlers) depends on components/, not the reverse. Server Actions live in lib/actions/; move shared code to lib/ or components/.",
};

/** The building blocks below lib/services never reach back up into the use cases. */
const noServices = {
  regex: "^(@/lib/services|(\\.\\./)+(lib/)?services)(/|$)",
  message:
    "lib/services/ (the use cases) builds on activity, reconciler, quota, policy, docker and auth, so these must not import lib/services (that makes a cycle). Move the shared helper down into lib/ instead.",
};

/** lib/policy is pure code: no database, no daemon, no file system, no network (dockerode is `noDockerClient`). */
const noIo = {
  regex: `^(node:.*|(${builtinModules.join("|")})(/.*)?|@/lib/(db|docker|generated)(/.*)?|(\\.\\./)+(db|docker|generated)(/.*)?|server-only)$`,
  message:
    "lib/policy is pure code (the launch policy must be testable and auditable without a database, a daemon or a file system): no Node built-ins, lib/db, lib/docker, lib/generated, dockerode or server-only. Pass the data in from the caller.",
};

const restrict = (name, files, ignores, patterns) => ({
  name: `berth/layers/${name}`,
  files,
  ignores,
  rules: { "no-restricted-imports": ["error", { patterns }] },
});

const sourceFiles = ["**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}"];
// lib/docker is below lib/services too, but has its own group: it is the one place dockerode is allowed.
const lowerLib = ["lib/activity/**", "lib/reconciler/**", "lib/quota/**", "lib/policy/**", "lib/auth/**", "lib/rate-limit/**", "lib/ingress/**"];

export default defineConfig(
  {
    name: "berth/ignores",
    ignores: ["lib/generated/**", ".next/**", "node_modules/**", "next-env.d.ts", "test-results/**", "playwright-report/**"],
  },
  tseslint.configs.recommended,
  nextPlugin.configs.recommended,
  nextPlugin.configs["core-web-vitals"],
  {
    name: "berth/react-hooks",
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },
  {
    name: "berth/base",
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },

  // Layer rules, from the widest file group to the narrowest.
  restrict("docker-client", sourceFiles, ["lib/docker/**"], [noDockerClient]),
  restrict("components", ["components/**"], [], [noDockerClient, noApp]),
  restrict("below-services", lowerLib, [], [noDockerClient, noServices]),
  restrict("docker", ["lib/docker/**"], [], [noServices]),
  restrict("policy", ["lib/policy/**"], ["lib/policy/**/*.test.ts"], [noDockerClient, noServices, noIo]),

  // Last: turns off the stylistic rules Prettier owns.
  prettier,
);
