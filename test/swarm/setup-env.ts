import { inject } from "vitest";

// The local Swarm's settings (test/swarm/global-setup.ts), before any module reads them.
Object.assign(process.env, inject("swarmEnv"));
