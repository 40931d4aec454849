import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { activateNode, drainNode, listNodes } from "@/lib/services/nodes";
import { makeActor } from "./fixtures";

/* The single engine (the default backend) as the one node of GET /api/v1/nodes. */
let admin: Actor;
let operator: Actor;
let member: Actor;

beforeAll(async () => {
  [admin, operator, member] = await Promise.all([makeActor("admin"), makeActor("operator"), makeActor("member")]);
});

describe("nodes on the single engine", () => {
  it("lists the engine as one ready, active manager whose posture is ok", async () => {
    const [engineId, hostname] = execFileSync("docker", ["info", "--format", "{{.ID}}\n{{.Name}}"], { encoding: "utf8" }).trim().split("\n");
    const items = await listNodes(admin);
    expect(items).toEqual([
      {
        id: engineId,
        hostname,
        role: "manager",
        availability: "active",
        state: "ready",
        containers: expect.any(Number),
        posture: { noNewPrivileges: true, usernsRemap: expect.any(Boolean), ok: true, problems: [], checkedAt: expect.any(String) },
      },
    ]);
    expect(await listNodes(operator)).toHaveLength(1);
    await expect(listNodes(member)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("refuses to drain or activate it, and records the refusal", async () => {
    const [{ id }] = await listNodes(admin);
    await expect(drainNode(admin, id)).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/single engine/) });
    await expect(activateNode(admin, id)).rejects.toMatchObject({ code: "conflict" });
    const events = await db.activityEvent.findMany({
      where: { actorId: admin.userId, action: { in: ["node.drain", "node.activate"] } },
      select: { action: true, outcome: true, target: true },
    });
    expect(events).toEqual(
      expect.arrayContaining([
        { action: "node.drain", outcome: "denied", target: `node:${id}` },
        { action: "node.activate", outcome: "denied", target: `node:${id}` },
      ]),
    );
  });
});
