import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { requireRole } from "@/lib/authz";
import { toServiceError } from "@/lib/docker/errors";
import { engineKind } from "@/lib/docker/engine-config";
import { listEngineNodes, setNodeAvailability } from "@/lib/docker/nodes";
import { ServiceError, notFound } from "@/lib/errors";
import { nodeIdSchema, type NodeDto } from "@/lib/schemas/node";
import { command } from "@/lib/services/command";
import { parseInput } from "@/lib/validation";

/** The engine's nodes with their posture, for admins and operators (one item on a single engine). */
export async function listNodes(actor: Actor): Promise<NodeDto[]> {
  requireRole(actor, "admin", "operator");
  try {
    return await listEngineNodes();
  } catch (error) {
    throw toServiceError(error, "Reading the nodes");
  }
}

async function nodeDto(nodeId: string): Promise<NodeDto> {
  const node = (await listEngineNodes().catch(() => [])).find((n) => n.id === nodeId);
  if (!node) throw notFound("The node");
  return node;
}

function availabilityCommand(action: "node.drain" | "node.activate", availability: "drain" | "active", doing: string) {
  return command(
    action,
    async (cmd, nodeId: unknown): Promise<NodeDto> => {
      requireRole(cmd.actor, "admin");
      const id = parseInput(nodeIdSchema, nodeId);
      if (engineKind() !== "swarm") {
        throw new ServiceError("conflict", "Berth runs on a single engine: there is no other node its containers could move to.");
      }
      const change = await setNodeAvailability(id, availability).catch((error: unknown) => {
        throw cmd.failure(toServiceError(error, doing));
      });
      if (!change) throw notFound("The node");
      cmd.about({ target: `node:${change.id}`, details: { hostname: change.hostname, before: change.before, after: change.after } });
      await cmd.recordAlone();
      return nodeDto(change.id);
    },
    ([nodeId]) => ({ target: typeof nodeId === "string" ? `node:${nodeId.slice(0, 128)}` : null }),
  );
}

/** Drains a node: the Swarm moves its tasks to other eligible nodes (admin). */
export const drainNode = availabilityCommand("node.drain", "drain", "Draining the node");

/** Makes a drained (or paused) node take tasks again (admin). */
export const activateNode = availabilityCommand("node.activate", "active", "Activating the node");
