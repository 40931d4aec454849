import { z } from "zod";
import { launchRequestSchema } from "@/lib/policy";

export const launchRequestApiSchema = launchRequestSchema.meta({ id: "LaunchRequest" });

/** Container.status (api-v1.md); the database's ContainerStatus enum holds the same values. */
export const CONTAINER_STATUSES = ["creating", "running", "exited", "stopped", "restarting", "dead", "missing", "quarantined"] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

/** A raw published port (`expose: "port"`), or an HTTPS port served by the edge at `url` (no host port). */
const portSchema = z.object({
  container: z.int(),
  protocol: z.string(),
  expose: z.enum(["https", "port"]),
  hostIp: z.string().nullable(),
  hostPort: z.int().nullable(),
  url: z.string(),
});

export const containerSchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    name: z.string(),
    image: z.string(),
    status: z.enum(CONTAINER_STATUSES),
    exitCode: z.int().optional(),
    oomKilled: z.boolean().optional(),
    health: z.string().optional(),
    /** On Swarm: the host name of the node the container runs on. */
    node: z.string().optional(),
    ports: z.array(portSchema),
    memoryMb: z.int(),
    cpuMillis: z.int(),
    createdAt: z.iso.datetime(),
    createdBy: z.string().nullable(),
  })
  .meta({ id: "Container" });

export type ContainerDto = z.infer<typeof containerSchema>;

/**
 * What GET /tenants/{tenantId}/containers/states sends for a container (`event: state`): the
 * parts of a Container that change while it lives, as Container has them.
 */
export const containerStateSchema = containerSchema
  .pick({ id: true, status: true, exitCode: true, oomKilled: true, health: true })
  .meta({ id: "ContainerState" });

export type ContainerState = z.infer<typeof containerStateSchema>;

/** A Container's live part (the stream's payload, and what a page starts from before the stream's first event). */
export function containerStateOf(c: Pick<ContainerDto, "id" | "status" | "exitCode" | "oomKilled" | "health">): ContainerState {
  return {
    id: c.id,
    status: c.status,
    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
    ...(c.oomKilled ? { oomKilled: true } : {}),
    ...(c.health ? { health: c.health } : {}),
  };
}

/** `GET …/containers/states?containerId=` narrows the stream to one container (the container page). */
export const containerStatesQuerySchema = z.object({ containerId: z.string().min(1).max(64).optional() }).strict();

export const statsSchema = z
  .object({
    cpuPercent: z.number(),
    memoryBytes: z.int(),
    memoryLimitBytes: z.int(),
    pids: z.int(),
    netRxBytes: z.int(),
    netTxBytes: z.int(),
  })
  .meta({ id: "Stats" });

export type StatsDto = z.infer<typeof statsSchema>;

const flag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/**
 * Query of GET /containers/{id}/logs; unknown parameters are refused like unknown fields.
 * `raw=true` makes the download (no follow) keep terminal escape sequences and control
 * characters, which are otherwise removed; a followed log is one event per line either way.
 */
export const logsQuerySchema = z
  .object({
    tail: z.coerce.number().int().min(1).max(10_000).default(200),
    timestamps: flag.default(false),
    follow: flag.default(false),
    raw: flag.default(false),
  })
  .strict()
  .refine((query) => !(query.raw && query.follow), {
    path: ["raw"],
    message: "raw=true applies to the download only; leave it out with follow=true",
  });

/**
 * The body of PUT /containers/{id} (an edit): a LaunchRequest without `name`. An env value of
 * `null` keeps the variable's current value (Berth never stores values, so it carries them
 * from the running container); a variable left out is removed. `volumes`, if given, must be
 * the container's own, unchanged: an edit keeps its volumes. The service checks the result
 * with the launch's own schema; this describes the body for the published document.
 */
const { name: _name, env: _env, ...editableFields } = launchRequestSchema.shape;
export const updateRequestApiSchema = z
  .object({
    ...editableFields,
    env: z.record(z.string(), z.string().nullable()).optional(),
  })
  .strict()
  .meta({ id: "UpdateRequest" });
