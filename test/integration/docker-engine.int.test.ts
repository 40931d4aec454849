import { describe, expect, it, vi } from "vitest";
import { docker } from "@/lib/docker/client";
import { engineStatus } from "@/lib/docker/engine";
import { engineReachable, getHealth } from "@/lib/services/health";

describe("engine and health (real daemon, real SQLite)", () => {
  it("reaches the Docker Engine and reports its version", async () => {
    const status = await engineStatus();
    expect(status.reachable).toBe(true);
    expect(status.version).toMatch(/^\d+\.\d+/);
  });

  it("health is ok when the database and the engine answer", async () => {
    expect(await getHealth()).toMatchObject({ status: "ok", db: "ok", docker: { reachable: true } });
  });

  it("reports an unreachable engine without hanging", async () => {
    const saved = process.env.DOCKER_HOST;
    const globals = globalThis as unknown as { berthDocker?: unknown };
    const client = globals.berthDocker;
    try {
      process.env.DOCKER_HOST = "unix:///nonexistent/docker.sock";
      globals.berthDocker = undefined;
      const started = Date.now();
      expect(await engineStatus(1500)).toEqual({ reachable: false });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
      globals.berthDocker = client;
    }
  });

  it("the console's banner asks the engine only when no reconciler follows it with live rows", async () => {
    const globals = globalThis as unknown as { berthReconciler?: unknown };
    const saved = globals.berthReconciler;
    const version = vi.spyOn(docker(), "version");
    try {
      // Far-future times: whatever an earlier call left in the banner's 2 s cache is stale.
      globals.berthReconciler = { rowsAreLive: () => true };
      expect(await engineReachable(Date.now() + 60_000)).toEqual({ reachable: true });
      expect(version).not.toHaveBeenCalled();
      globals.berthReconciler = { rowsAreLive: () => false };
      expect(await engineReachable(Date.now() + 120_000)).toEqual({ reachable: true });
      expect(version).toHaveBeenCalledTimes(1);
    } finally {
      version.mockRestore();
      globals.berthReconciler = saved;
    }
  });
});
