import { describe, expect, it } from "vitest";
import { engineStatus } from "@/lib/docker/engine";
import { getHealth } from "@/lib/services/health";

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
});
