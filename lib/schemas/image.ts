import { z } from "zod";

// The grammar of github.com/distribution/reference, which the engine itself applies:
// a registry host may carry capitals and a port, but repository path components may not
// carry capitals, and separators never lead, trail or double up (except "__").
const alphaNumeric = "[a-z0-9]+";
const separator = "(?:[._]|__|-+)";
const pathComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domain = `${domainComponent}(?:\\.${domainComponent})*(?::[0-9]+)?`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "sha256:[a-f0-9]{64}";
const referencePattern = new RegExp(`^(?:${domain}/)?${pathComponent}(?:/${pathComponent})*(?::${tag})?(?:@${digest})?$`);

export const MAX_REF_LENGTH = 255;

/** Why `ref` is not a Docker image reference, in words a person can act on; null when it is one. */
export function imageRefProblem(ref: string): string | null {
  if (ref.length === 0) return "enter an image reference, such as registry.example.com/team/app:1.2";
  if (ref.length > MAX_REF_LENGTH) return `at most ${MAX_REF_LENGTH} characters`;
  if (/[\s\u0000-\u001f\u007f]/.test(ref)) return "remove the spaces or control characters";
  if (referencePattern.test(ref)) return null;
  const at = ref.indexOf("@");
  if (at >= 0 && !new RegExp(`^${digest}$`).test(ref.slice(at + 1))) {
    return "a digest must be written sha256: followed by 64 lowercase hex digits";
  }
  if (/[A-Z]/.test(ref) && referencePattern.test(lowercaseRepository(ref))) {
    return "repository names must be lowercase (only the registry host and the tag may use capitals)";
  }
  return "not a valid image reference: use [registry[:port]/]name[:tag][@sha256:digest] with lowercase letters, digits and . _ - separators";
}

/** Lowercases everything but a leading registry host and the tag, to tell "only the case is wrong". */
function lowercaseRepository(ref: string): string {
  const [beforeDigest, digestPart] = ref.split("@", 2);
  const slash = beforeDigest.indexOf("/");
  const first = slash >= 0 ? beforeDigest.slice(0, slash) : "";
  const hasHost = first.includes(".") || first.includes(":") || first === "localhost";
  const host = hasHost ? first + "/" : "";
  const rest = hasHost ? beforeDigest.slice(slash + 1) : beforeDigest;
  const colon = rest.lastIndexOf(":");
  const repo = colon >= 0 ? rest.slice(0, colon) : rest;
  const tagPart = colon >= 0 ? rest.slice(colon) : "";
  return host + repo.toLowerCase() + tagPart + (digestPart === undefined ? "" : "@" + digestPart);
}

export const imageRefSchema = z.string({ error: "enter an image reference" }).superRefine((ref, ctx) => {
  const problem = imageRefProblem(ref);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const commandArg = z
  .string()
  .max(4096, "each argument may be at most 4096 characters")
  .refine((arg) => !arg.includes("\u0000"), "arguments cannot contain NUL characters");

export const addImageSchema = z
  .object({
    ref: imageRefSchema,
    name: z.string({ error: "enter a display name" }).trim().min(1, "enter a display name").max(80, "at most 80 characters"),
    description: z.string().trim().max(500, "at most 500 characters").optional(),
    defaultPort: z
      .int({ error: "enter a whole number from 1 to 65535" })
      .min(1, "enter a port from 1 to 65535")
      .max(65535, "enter a port from 1 to 65535")
      .optional(),
    defaultCommand: z.array(commandArg).max(64, "at most 64 arguments").optional(),
  })
  .strict()
  .meta({ id: "AddCatalogImage" });

export const catalogImageSchema = z
  .object({
    id: z.string(),
    ref: z.string(),
    name: z.string(),
    description: z.string(),
    defaultPort: z.int().nullable(),
    defaultCommand: z.array(z.string()).nullable(),
    present: z.boolean(),
    /** Swarm only: host names of the nodes that can run tenant tasks but lack the image. */
    missingOn: z.array(z.string()).optional(),
  })
  .meta({ id: "CatalogImage" });

export type AddImageInput = z.infer<typeof addImageSchema>;
export type CatalogImageDto = z.infer<typeof catalogImageSchema>;
