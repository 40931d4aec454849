import { z } from "zod";
import { mountTargetProblem } from "./mount-target";
import type { Violation } from "./violation";
import { issuesToViolations } from "./zod-issues";

/*
 * The LaunchRequest of api-v1.md. Every object is `.strict()`: a field Berth does not know
 * is an error, never silently dropped, so a client learns at once that `Privileged` or
 * `HostConfig` has no meaning here. JavaScript regexes without the `m` flag anchor `$` at
 * the very end of input (unlike PCRE/Python, a trailing "\n" does not slip through).
 */

export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,40}$/;
const IMAGE_ID_PATTERN = /^[a-z0-9]{1,64}$/;
const ENV_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
// Keys that name or reach an object's prototype. zod's record silently drops `__proto__`
// (JSON.parse makes it an own property), so they are refused before the record parses.
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

const MAX_ENV_ENTRIES = 64;
const MAX_ENV_VALUE_BYTES = 8 * 1024;
const MAX_ENV_TOTAL_BYTES = 64 * 1024;

const utf8Length = (s: string): number => new TextEncoder().encode(s).length;
const hasNul = (s: string): boolean => s.includes("\u0000");

const nameSchema = z.string({ error: "must be a string" }).regex(NAME_PATTERN, {
  error: 'must be 1-41 characters of lowercase letters, digits and "-", starting with a letter or digit',
});

const imageIdSchema = z
  .string({ error: "must be a string" })
  .regex(IMAGE_ID_PATTERN, { error: "must be a catalog image id (lowercase letters and digits)" });

const imageRefSchema = z
  .string({ error: "must be a string" })
  .min(1, { error: "must not be empty" })
  .max(255, { error: "must be at most 255 characters" })
  // Control characters (and DEL) in a reference can forge log lines and break headers.
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { error: "must not contain control characters" });

const commandSchema = z
  .array(
    z
      .string({ error: "must be a string" })
      .max(4096, { error: "must be at most 4096 characters" })
      // NUL ends a C string: the kernel would run a different argv than the one logged.
      .refine((s) => !hasNul(s), { error: "must not contain NUL characters" }),
    { error: "must be a list of strings" },
  )
  .max(64, { error: "may have at most 64 arguments" });

const envRecordSchema = z
  .record(
    z.string().regex(ENV_KEY_PATTERN, {
      error: 'environment variable names use letters, digits and "_" and do not start with a digit',
    }),
    z
      .string({ error: "must be a string" })
      .refine((s) => utf8Length(s) <= MAX_ENV_VALUE_BYTES, { error: "must be at most 8 KiB" })
      .refine((s) => !hasNul(s), { error: "must not contain NUL characters" }),
    { error: "must be an object of NAME: value strings" },
  )
  .superRefine((env, ctx) => {
    const keys = Object.keys(env);
    if (keys.length > MAX_ENV_ENTRIES) {
      ctx.addIssue({ code: "custom", message: `may have at most ${MAX_ENV_ENTRIES} variables (got ${keys.length})` });
    }
    let total = 0;
    for (const key of keys) total += utf8Length(key) + 1 + utf8Length(env[key] ?? "");
    if (total > MAX_ENV_TOTAL_BYTES) {
      ctx.addIssue({ code: "custom", message: "all variables together must be at most 64 KiB" });
    }
  })
  // A null-prototype copy: whatever a later caller does with it (assign, merge, lookup),
  // no key can reach Object.prototype.
  .transform((env): Readonly<Record<string, string>> => {
    const safe: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const key of Object.keys(env)) safe[key] = env[key] ?? "";
    return safe;
  });

const envSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
      if (PROTOTYPE_KEYS.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `"${key}" cannot be an environment variable name`,
        });
      }
    }
  })
  .pipe(envRecordSchema);

const intIn = (min: number, max: number, unit = "") =>
  z
    .int({ error: `must be a whole number from ${min} to ${max}${unit}` })
    .min(min, { error: `must be at least ${min}${unit}` })
    .max(max, { error: `must be at most ${max}${unit}` });

/**
 * `expose: "https"` (the default for TCP) serves the port through Berth's edge at a host name
 * under the apps domain (control N3): nothing is published on the host for it. `"port"` keeps
 * a raw host port for what is not HTTP; UDP can only be exposed that way.
 */
const portSchema = z
  .object({
    container: intIn(1, 65535),
    protocol: z.enum(["tcp", "udp"], { error: 'must be "tcp" or "udp"' }).default("tcp"),
    expose: z.enum(["https", "port"], { error: 'must be "https" or "port"' }).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.protocol === "udp" && p.expose === "https") {
      ctx.addIssue({ code: "custom", path: ["expose"], message: 'a UDP port cannot be served over HTTPS; use "port"' });
    }
  })
  .transform((p) => ({ container: p.container, protocol: p.protocol, expose: p.expose ?? (p.protocol === "udp" ? "port" : "https") }) as const);

const mountTargetSchema = z.string({ error: "must be a string" }).superRefine((target, ctx) => {
  const problem = mountTargetProblem(target);
  // Tagged H3: a target the hardening policy forbids is a policy violation (422), not a typo.
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, params: { control: "H3" } });
});

const volumeSchema = z
  .object({
    // The volume *name* pattern cannot start with "/", "." or "~", so it can never be read
    // as a host path by Docker (a `Binds` source starting with "/" is a bind mount).
    volume: z.string({ error: "must be a string" }).regex(NAME_PATTERN, {
      error: 'must be the name of one of this tenant\'s volumes (lowercase letters, digits and "-"), not a path',
    }),
    path: mountTargetSchema,
    readOnly: z.boolean({ error: "must be true or false" }).default(false),
    // Create this tenant volume as part of the launch (owners); removed again if the launch fails.
    create: z.boolean({ error: "must be true or false" }).default(false),
  })
  .strict();

export const launchRequestSchema = z
  .object({
    name: nameSchema,
    imageId: imageIdSchema.optional(),
    image: imageRefSchema.optional(),
    command: commandSchema.optional(),
    env: envSchema.optional(),
    ports: z
      .array(portSchema, { error: "must be a list of ports" })
      .max(16, { error: "may have at most 16 ports" })
      .superRefine((ports, ctx) => {
        const seen = new Set<string>();
        ports.forEach((p, i) => {
          const key = `${p.container}/${p.protocol}`;
          if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i], message: `port ${key} is listed twice` });
          seen.add(key);
        });
      })
      .default([]),
    volumes: z
      .array(volumeSchema, { error: "must be a list of volumes" })
      .max(8, { error: "may have at most 8 volumes" })
      .superRefine((volumes, ctx) => {
        const seen = new Set<string>();
        volumes.forEach((v, i) => {
          if (seen.has(v.path)) {
            ctx.addIssue({ code: "custom", path: [i, "path"], message: `${v.path} is already the target of another volume` });
          }
          seen.add(v.path);
        });
      })
      .default([]),
    memoryMb: intIn(16, 65536, " MB"),
    cpuMillis: intIn(50, 64000, " millicores"),
    readOnlyRootfs: z.boolean({ error: "must be true or false" }).default(true),
    restart: z.enum(["no", "on-failure"], { error: 'must be "no" or "on-failure"' }).default("no"),
  })
  .strict()
  .superRefine((req, ctx) => {
    const given = (req.imageId !== undefined ? 1 : 0) + (req.image !== undefined ? 1 : 0);
    if (given !== 1) {
      ctx.addIssue({
        code: "custom",
        path: [req.image !== undefined ? "image" : "imageId"],
        message: given === 0 ? 'choose an image: give "imageId" or "image" from the catalog' : 'give either "imageId" or "image", not both',
      });
    }
  });

export type LaunchRequest = z.output<typeof launchRequestSchema>;
export type LaunchRequestInput = z.input<typeof launchRequestSchema>;

export type ParseResult = { ok: true; value: LaunchRequest } | { ok: false; violations: Violation[] };

/** Validates an untrusted launch request; never throws. */
export function parseLaunchRequest(input: unknown): ParseResult {
  const result = launchRequestSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, violations: issuesToViolations(result.error.issues, input) };
}
