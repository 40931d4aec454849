import { z } from "zod";
import {
  activityExportQuerySchema,
  activityPageSchema,
  activityQuerySchema,
  archiveInputSchema,
  archiveResultSchema,
  chainVerificationSchema,
} from "@/lib/schemas/activity";
import { containerSchema, containerStateSchema, launchRequestApiSchema, statsSchema, updateRequestApiSchema } from "@/lib/schemas/container";
import { errorSchema, healthSchema } from "@/lib/schemas/error";
import { ingressSchema } from "@/lib/schemas/ingress";
import { nodeSchema } from "@/lib/schemas/node";
import { consoleRequestSchema, consoleSessionSchema } from "@/lib/schemas/console";
import { createVolumeSchema, volumeSchema } from "@/lib/schemas/volume";
import { uploadFormSchema, uploadResultSchema, volumeFilesSchema } from "@/lib/schemas/volume-files";
import { addImageSchema, catalogImageSchema } from "@/lib/schemas/image";
import { containerListQuerySchema, pageOf, tenantListQuerySchema, userListQuerySchema } from "@/lib/schemas/list-query";
import { createTenantSchema, tenantSchema, updateTenantSchema } from "@/lib/schemas/tenant";
import { createdTokenSchema, createTokenSchema, tokenSchema } from "@/lib/schemas/token";
import {
  addMemberSchema,
  changePasswordSchema,
  createUserSchema,
  resetPasswordSchema,
  tenantMemberSchema,
  updateUserSchema,
  userSchema,
} from "@/lib/schemas/user";
import { quotaDefaultsInputSchema, quotaInputSchema, quotaSchema, usageSchema } from "@/lib/schemas/quota";
import { tenantPolicyInputSchema, tenantPolicySchema } from "@/lib/schemas/tenant-policy";

/**
 * Every /api/v1 operation, described with the same zod schemas the services validate
 * with, so the published document cannot drift from what the server accepts. A unit test
 * checks that every route file under app/api/v1 is listed here.
 */
export interface Operation {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  auth?: false;
  body?: z.ZodType;
  /** The body's media type when it is not JSON (an upload's multipart form). */
  bodyContentType?: string;
  /** The query parameters, as the zod object that validates them (unknown ones are refused). */
  query?: z.ZodObject;
  response?: { status: number; schema?: z.ZodType; contentType?: string };
}

const items = (schema: z.ZodType) => z.object({ items: z.array(schema) });

export const operations: Operation[] = [
  { method: "get", path: "/health", summary: "Portal, database and engine health", auth: false, response: { status: 200, schema: healthSchema } },
  {
    method: "post",
    path: "/auth/token",
    summary: "Create an API token with email and password (shown once)",
    auth: false,
    body: createTokenSchema,
    response: { status: 201, schema: createdTokenSchema },
  },
  { method: "get", path: "/tokens", summary: "List your API tokens", response: { status: 200, schema: items(tokenSchema) } },
  { method: "delete", path: "/tokens/{tokenId}", summary: "Revoke one of your API tokens", response: { status: 204 } },
  {
    method: "get",
    path: "/tenants",
    summary:
      "The tenants you can see, a page at a time: q searches name and slug; sort by pressure (quota use, the default, most pressed first), name, slug or created; order asc|desc; page from 1; pageSize 1..200 (50)",
    query: tenantListQuerySchema,
    response: { status: 200, schema: pageOf(tenantSchema) },
  },
  { method: "post", path: "/tenants", summary: "Create a tenant (admin)", body: createTenantSchema, response: { status: 201, schema: tenantSchema } },
  { method: "get", path: "/tenants/{tenantId}", summary: "Read a tenant", response: { status: 200, schema: tenantSchema } },
  {
    method: "patch",
    path: "/tenants/{tenantId}",
    summary: "Rename, suspend or resume a tenant (admin)",
    body: updateTenantSchema,
    response: { status: 200, schema: tenantSchema },
  },
  {
    method: "put",
    path: "/tenants/{tenantId}/quota",
    summary: "Set a tenant's quota and per-container maxima (admin; 409 quota_exceeded refusals name the limit)",
    body: quotaInputSchema,
    response: { status: 200, schema: quotaSchema },
  },
  {
    method: "get",
    path: "/tenants/{tenantId}/usage",
    summary: "A tenant's quota and current usage (stopped containers count as containers, not toward memory or CPU)",
    response: { status: 200, schema: usageSchema },
  },
  {
    method: "put",
    path: "/tenants/{tenantId}/policy",
    summary: "Set a tenant's launch policy: NET_BIND_SERVICE, writable root filesystem, outbound network (admin)",
    body: tenantPolicyInputSchema,
    response: { status: 200, schema: tenantPolicySchema },
  },
  {
    method: "get",
    path: "/quota-defaults",
    summary: "The quota new tenants start with (admin, operator)",
    response: { status: 200, schema: quotaSchema },
  },
  {
    method: "put",
    path: "/quota-defaults",
    summary: "Set the quota new tenants start with; existing tenants keep theirs (admin)",
    body: quotaDefaultsInputSchema,
    response: { status: 200, schema: quotaSchema },
  },
  {
    method: "get",
    path: "/users",
    summary:
      "Users, a page at a time (admin): q searches the email; sort by email (default), role, created or lastSignIn; order; page; pageSize 1..200 (50)",
    query: userListQuerySchema,
    response: { status: 200, schema: pageOf(userSchema) },
  },
  { method: "post", path: "/users", summary: "Create a user (admin)", body: createUserSchema, response: { status: 201, schema: userSchema } },
  { method: "get", path: "/users/{userId}", summary: "Read a user (admin)", response: { status: 200, schema: userSchema } },
  {
    method: "patch",
    path: "/users/{userId}",
    summary: "Change a user's role, memberships or disabled flag (admin)",
    body: updateUserSchema,
    response: { status: 200, schema: userSchema },
  },
  {
    method: "post",
    path: "/users/{userId}/password",
    summary:
      "Reset another user's password (admin; your own is POST /account/password): every session of that user is signed out and every API token of theirs revoked",
    body: resetPasswordSchema,
    response: { status: 204 },
  },
  {
    method: "post",
    path: "/account/password",
    summary:
      "Change your own password, proven by the current one (at most 5 tries in 15 minutes): every session of yours is signed out and every API token revoked, the one making this call included",
    body: changePasswordSchema,
    response: { status: 204 },
  },
  {
    method: "get",
    path: "/tenants/{tenantId}/members",
    summary: "A tenant's members with their tenant role (admin, operator)",
    response: { status: 200, schema: items(tenantMemberSchema) },
  },
  {
    method: "post",
    path: "/tenants/{tenantId}/members",
    summary: "Add a user to a tenant as owner or member, named by userId or email (admin; 409 when already a member)",
    body: addMemberSchema,
    response: { status: 201, schema: tenantMemberSchema },
  },
  {
    method: "delete",
    path: "/tenants/{tenantId}/members/{userId}",
    summary: "Remove a member from a tenant; their access ends on their next request (admin)",
    response: { status: 204 },
  },
  {
    method: "get",
    path: "/tenants/{tenantId}/containers",
    summary:
      "A tenant's containers with their live status, a page at a time: q searches name and image; sort by created (default, newest first), name, status, image, memory or cpu; order; page; pageSize 1..200 (50)",
    query: containerListQuerySchema,
    response: { status: 200, schema: pageOf(containerSchema) },
  },
  {
    method: "get",
    path: "/tenants/{tenantId}/containers/states",
    summary:
      "Live states of the tenant's containers as a text/event-stream (query: containerId narrows it to one): `event: state` with a ContainerState for each container at once and on every change of status, exit code, OOM flag or health; `event: removed` with { id }; `event: end` with why it ended (access ended, the one container removed). Holds one open-stream slot (429 past the limit); access is re-checked like a followed log",
    response: { status: 200, schema: containerStateSchema, contentType: "text/event-stream" },
  },
  {
    method: "post",
    path: "/tenants/{tenantId}/containers",
    summary: "Launch a hardened container from the catalog (created and started)",
    body: launchRequestApiSchema,
    response: { status: 201, schema: containerSchema },
  },
  { method: "get", path: "/containers/{containerId}", summary: "Read a container", response: { status: 200, schema: containerSchema } },
  {
    method: "put",
    path: "/containers/{containerId}",
    summary:
      "Edit and redeploy a container: a LaunchRequest without name, checked by the same policy and quota as a launch (the quota counts only the difference). The container is recreated under the same name, with the same volumes and HTTPS host names, and runs afterwards. An env value of null keeps the current value; a variable left out is removed. All or nothing: if the new container cannot run, the old one keeps running",
    body: updateRequestApiSchema,
    response: { status: 200, schema: containerSchema },
  },
  { method: "delete", path: "/containers/{containerId}", summary: "Remove a container (its named volumes stay)", response: { status: 204 } },
  {
    method: "post",
    path: "/containers/{containerId}/start",
    summary: "Start a stopped container",
    response: { status: 200, schema: containerSchema },
  },
  { method: "post", path: "/containers/{containerId}/stop", summary: "Stop a container", response: { status: 200, schema: containerSchema } },
  { method: "post", path: "/containers/{containerId}/restart", summary: "Restart a container", response: { status: 200, schema: containerSchema } },
  {
    method: "get",
    path: "/containers/{containerId}/logs",
    summary:
      "Logs as text, terminal escapes removed unless raw=true (at most 16 MiB); with follow=true a text/event-stream of lines (query: tail, timestamps, follow, raw; 429 past the open-stream limit)",
    response: { status: 200, contentType: "text/plain" },
  },
  {
    method: "get",
    path: "/containers/{containerId}/stats",
    summary: "One sample of CPU, memory, network and PIDs",
    response: { status: 200, schema: statsSchema },
  },
  {
    method: "get",
    path: "/tenants/{tenantId}/volumes",
    summary: "List a tenant's volumes and the containers using them",
    response: { status: 200, schema: items(volumeSchema) },
  },
  {
    method: "post",
    path: "/tenants/{tenantId}/volumes",
    summary: "Create a volume owned by the tenant's user (owners)",
    body: createVolumeSchema,
    response: { status: 201, schema: volumeSchema },
  },
  { method: "delete", path: "/volumes/{volumeId}", summary: "Delete a volume and its data (409 while mounted; owners)", response: { status: 204 } },
  {
    method: "get",
    path: "/volumes/{volumeId}/files",
    summary: "The files in a volume: path, type, size, modified (anyone who can see the tenant; up to 1000 entries, 8 levels deep)",
    response: { status: 200, schema: volumeFilesSchema },
  },
  {
    method: "post",
    path: "/volumes/{volumeId}/files",
    summary:
      "Upload files into a volume as the tenant's user (owners). multipart/form-data: 'file' parts, optional 'folder'. Relative paths only; each file ≤ BERTH_UPLOAD_MAX_FILE_MB (10 MiB), the upload ≤ BERTH_UPLOAD_MAX_TOTAL_MB (25 MiB); 409 when a path crosses a symbolic link or a folder",
    body: uploadFormSchema,
    bodyContentType: "multipart/form-data",
    response: { status: 201, schema: uploadResultSchema },
  },
  { method: "get", path: "/openapi.json", summary: "This document", auth: false, response: { status: 200 } },
  {
    method: "get",
    path: "/images",
    summary: "List the image catalog, with presence on the host",
    response: { status: 200, schema: items(catalogImageSchema) },
  },
  {
    method: "post",
    path: "/images",
    summary: "Add an image to the catalog, pulling it first if the host lacks it (admin)",
    body: addImageSchema,
    response: { status: 201, schema: catalogImageSchema },
  },
  {
    method: "post",
    path: "/images/{imageId}/pull",
    summary:
      "Pull a catalog image again where it is missing: the host, or on Swarm each node that can run tenant tasks and lacks it (missingOn); nothing when it is everywhere (admin)",
    response: { status: 200, schema: catalogImageSchema },
  },
  {
    method: "delete",
    path: "/images/{imageId}",
    summary: "Remove an image from the catalog; the host keeps the image (admin)",
    response: { status: 204 },
  },
  {
    method: "get",
    path: "/activity",
    summary:
      "Activity events, keyset-paged, newest first or with order=asc oldest first (query: tenantId, actorId, actorEmail, action, outcome, from, to, q (part of the target), order, cursor, after (newest first only), limit ≤ 500; admin, operator, tenant owners)",
    query: activityQuerySchema,
    response: { status: 200, schema: activityPageSchema },
  },
  {
    method: "get",
    path: "/activity/export",
    summary: "The filtered activity as a streamed file (query: format=csv|jsonl and the list's filters)",
    query: activityExportQuerySchema,
    response: { status: 200, contentType: "text/csv" },
  },
  {
    method: "get",
    path: "/activity/verify",
    summary: "Check the activity hash chain and its signed checkpoints; name the first broken event (admin, operator)",
    response: { status: 200, schema: chainVerificationSchema },
  },
  {
    method: "post",
    path: "/containers/{containerId}/console",
    summary:
      "A console: a WebSocket URL with a single-use ticket valid 30 s (members who may act; 409 unless running). Binary frames are terminal bytes; a text frame {type:resize,cols,rows} resizes; closes 1000 shell exited, 4000 idle, 4001 access ended, 4002 max length, 4003 container stopped",
    body: consoleRequestSchema,
    response: { status: 201, schema: consoleSessionSchema },
  },
  {
    method: "get",
    path: "/ingress",
    summary: "Where tenant apps are served (apps domain, portal URL, HTTPS port, TLS mode) and the internal CA's root to trust",
    response: { status: 200, schema: ingressSchema },
  },
  {
    method: "get",
    path: "/ingress/ca.crt",
    summary: "The internal CA's root certificate as a file (404 with ACME or before the edge made it)",
    response: { status: 200, contentType: "application/x-pem-file" },
  },
  {
    method: "get",
    path: "/nodes",
    summary:
      "The engine's nodes (admin, operator): role, availability, state, Berth's running containers, and posture (a node whose posture is not ok gets no tenant task; problems say why). One item on a single engine",
    response: { status: 200, schema: items(nodeSchema) },
  },
  {
    method: "post",
    path: "/nodes/{nodeId}/drain",
    summary: "Drain a Swarm node: its tasks move to other eligible nodes (admin; 409 on a single engine)",
    response: { status: 200, schema: nodeSchema },
  },
  {
    method: "post",
    path: "/nodes/{nodeId}/activate",
    summary: "Let a drained or paused Swarm node take tasks again (admin; 409 on a single engine)",
    response: { status: 200, schema: nodeSchema },
  },
  {
    method: "post",
    path: "/activity/archive",
    summary: "Move every event older than `before` into a signed JSON Lines file; the chain goes on from a signed checkpoint naming it (admin)",
    body: archiveInputSchema,
    response: { status: 201, schema: archiveResultSchema },
  },
];

const errorStatuses = {
  "400": "validation_failed",
  "401": "unauthorized",
  "403": "forbidden",
  "404": "not_found",
  "409": "conflict",
  "422": "policy_violation",
  "429": "rate_limited",
  "503": "daemon_unavailable",
} as const;

type JsonSchema = Record<string, unknown>;

/**
 * zod's JSON Schema is draft 2020-12, the dialect OpenAPI 3.1 uses. Named schemas (those
 * with `.meta({ id })`) come back under `$defs`; they move to `components.schemas` (request
 * and response shapes have distinct ids, so input and output never collide).
 */
function schemaOf(schema: z.ZodType, io: "input" | "output", components: Record<string, JsonSchema>): JsonSchema {
  const {
    $schema: _dialect,
    $defs,
    ...rest
  } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          k === "$ref" && typeof v === "string" ? v.replace("#/$defs/", "#/components/schemas/") : rewrite(v),
        ]),
      );
    }
    return value;
  };
  for (const [name, def] of Object.entries($defs ?? {})) components[name] = rewrite(def) as JsonSchema;
  return rewrite(rest) as JsonSchema;
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, JsonSchema> = {};
  for (const op of operations) {
    const params: Record<string, unknown>[] = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    if (op.query) {
      const { properties = {}, required = [] } = schemaOf(op.query, "input", schemas) as {
        properties?: Record<string, JsonSchema>;
        required?: string[];
      };
      for (const [name, schema] of Object.entries(properties)) params.push({ name, in: "query", required: required.includes(name), schema });
    }
    const responses: Record<string, unknown> = {};
    if (op.response) {
      responses[String(op.response.status)] = op.response.schema
        ? {
            description: "Success",
            content: { [op.response.contentType ?? "application/json"]: { schema: schemaOf(op.response.schema, "output", schemas) } },
          }
        : { description: "Success" };
    }
    for (const [status, code] of Object.entries(errorStatuses)) {
      responses[status] = { description: code, content: { "application/json": { schema: schemaOf(errorSchema, "output", schemas) } } };
    }
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      summary: op.summary,
      ...(params.length ? { parameters: params } : {}),
      ...(op.auth === false ? { security: [] } : {}),
      ...(op.body
        ? {
            requestBody: { required: true, content: { [op.bodyContentType ?? "application/json"]: { schema: schemaOf(op.body, "input", schemas) } } },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Berth API", version: "1" },
    servers: [{ url: "/api/v1" }],
    security: [{ bearer: [] }],
    components: { schemas, securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
