import "server-only";
import type { Tx } from "@/lib/db";
import { ServiceError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import type { HostPortAllocation } from "@/lib/policy";

/**
 * Hands out the lowest free host ports of the range, inside the caller's transaction. The
 * table's primary key (hostIp, hostPort, protocol) makes a double allocation impossible:
 * a racing launch fails its insert instead of sharing a port.
 */
export async function allocatePorts(
  tx: Tx,
  containerId: string,
  requested: readonly { container: number; protocol: "tcp" | "udp" }[],
  hostIp: string,
  range: { from: number; to: number },
): Promise<HostPortAllocation[]> {
  if (requested.length === 0) return [];
  // Plain SQL: this runs in every launch's reservation, and Prisma compiles each call anew
  // (docs/benchmarks.md).
  const taken = await tx.$queryRaw<{ hostPort: number }[]>`
    SELECT "hostPort" FROM "PortAllocation" WHERE "hostIp" = ${hostIp} AND "hostPort" >= ${range.from} AND "hostPort" <= ${range.to}`;
  const used = new Set(taken.map((p) => p.hostPort));
  const out: HostPortAllocation[] = [];
  let candidate = range.from;
  for (const port of requested) {
    while (candidate <= range.to && used.has(candidate)) candidate++;
    if (candidate > range.to) {
      throw new ServiceError(
        "conflict",
        `No free host port is left in ${range.from}-${range.to}; remove a container with published ports or ask an operator to widen the range.`,
        [{ path: "ports", message: "no free host port" }],
      );
    }
    used.add(candidate);
    out.push({ container: port.container, protocol: port.protocol, hostPort: candidate });
  }
  await tx.$executeRaw`INSERT INTO "PortAllocation" ("hostIp", "hostPort", "protocol", "containerPort", "containerId") VALUES ${Prisma.join(
    out.map((p) => Prisma.sql`(${hostIp}, ${p.hostPort}, ${p.protocol}, ${p.container}, ${containerId})`),
  )}`;
  return out;
}
