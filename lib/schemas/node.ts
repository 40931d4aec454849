import { z } from "zod";

/** GET /api/v1/nodes items (api-v1.md, "Nodes"). */
export const nodePostureSchema = z.object({
  noNewPrivileges: z.boolean().describe("The node's daemon gives tenant tasks no-new-privileges (on one engine: Berth sets it per container)"),
  usernsRemap: z.boolean().describe("The node's daemon remaps user namespaces"),
  ok: z.boolean().describe("The node may run tenant tasks"),
  problems: z.array(z.string()).describe("Why it may not, in words"),
  checkedAt: z.string().describe("When the posture was checked (ISO 8601)"),
});

export const nodeSchema = z.object({
  id: z.string(),
  hostname: z.string(),
  role: z.enum(["manager", "worker"]),
  availability: z.enum(["active", "pause", "drain"]),
  state: z.enum(["ready", "down"]),
  containers: z.number().int().describe("Berth's running containers on the node"),
  posture: nodePostureSchema,
});

export type NodeDto = z.infer<typeof nodeSchema>;

/** A Swarm node id (or the single engine's id, which holds colons). */
export const nodeIdSchema = z.string().regex(/^[A-Za-z0-9:]{1,128}$/, "not a node id");
