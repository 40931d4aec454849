import { PassThrough } from "node:stream";
import { expect } from "vitest";
import { db } from "@/lib/db";
import { nodeDocker } from "@/lib/docker/client";
import { inspectWorkload, verifyWorkload, type WorkloadInspect } from "@/lib/docker/workloads";
import { expectedScopeFor } from "@/lib/launch-scope";
import { formatViolation } from "@/lib/policy";

/** A launched container's live state on Swarm: its service, task, node and the task's container. */
export async function liveOf(containerId: string): Promise<WorkloadInspect & { berthSwarm: NonNullable<WorkloadInspect["berthSwarm"]> }> {
  const row = await db.container.findUniqueOrThrow({ where: { id: containerId } });
  const info = await inspectWorkload(row.tenantId, row.dockerId ?? "");
  if (!info?.berthSwarm) throw new Error(`container ${row.name} is not a Swarm service`);
  return { ...info, berthSwarm: info.berthSwarm };
}

/** The verifier on Swarm (S3): the service spec on the manager, the task's container on its node, the NoNewPrivs probe. */
export async function expectVerified(containerId: string): Promise<void> {
  const row = await db.container.findUniqueOrThrow({ where: { id: containerId }, include: { tenant: true } });
  const info = await liveOf(containerId);
  expect(info.berthSwarm.container, "the task's container is readable through its node's engine").not.toBeNull();
  const violations = await verifyWorkload(info, await expectedScopeFor(row.tenant, { id: row.id, imageRef: row.imageRef }));
  expect(violations.map(formatViolation)).toEqual([]);
}

/** Runs a command in the task's container through its node's own engine, as `user`. */
export async function execOnNode(nodeId: string, containerId: string, cmd: string[], user: string): Promise<{ exitCode: number; output: string }> {
  const engine = nodeDocker(nodeId);
  const exec = await engine.getContainer(containerId).exec({ Cmd: cmd, User: user, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  engine.modem.demuxStream(stream, out, out);
  await new Promise<void>((resolve) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
  });
  const result = await exec.inspect();
  return { exitCode: result.ExitCode ?? -1, output: Buffer.concat(chunks).toString("utf8") };
}

export async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached after ${timeoutMs} ms (last: ${JSON.stringify(last)?.slice(0, 300)})`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

export const SHELL = "berth/shell:1";

/** A launch request for a sleeping shell: the container most Swarm tests need. */
export const sleeper = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: SHELL,
  command: ["sleep", "3600"],
  memoryMb: 32,
  cpuMillis: 100,
  ...extra,
});

export const rowOf = (id: string) => db.container.findUniqueOrThrow({ where: { id } });
