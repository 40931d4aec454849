import { z } from "zod";

const count = (max: number) => z.number().int("must be a whole number").min(0, "must be 0 or more").max(max, `at most ${max}`);
// The per-container maxima share the launch request's own bounds (lib/policy/launch-request.ts):
// a maximum below the smallest launch would make every launch impossible.
const containerMemory = z.number().int("must be a whole number").min(16, "at least 16 MB").max(65536, "at most 65536 MB");
const containerCpu = z.number().int("must be a whole number").min(50, "at least 50 millicores").max(64000, "at most 64000 millicores");

const tenantLimits = {
  maxContainers: count(1000),
  maxMemoryMb: count(1_048_576),
  maxCpuMillis: count(1_024_000),
  maxVolumes: count(1000),
};

/**
 * PUT /tenants/{id}/quota. The contract's four limits are required; the per-container
 * maxima (fields added to Quota, api-v1.md allows additions) are optional so a client that
 * knows only the four keeps working, and an omitted one stays as it is.
 */
export const quotaInputSchema = z
  .object({ ...tenantLimits, maxContainerMemoryMb: containerMemory.optional(), maxContainerCpuMillis: containerCpu.optional() })
  .strict()
  .meta({ id: "QuotaInput" });

/** PUT /quota-defaults: what new tenants start with; every limit is given. */
export const quotaDefaultsInputSchema = z
  .object({ ...tenantLimits, maxContainerMemoryMb: containerMemory, maxContainerCpuMillis: containerCpu })
  .strict()
  .meta({ id: "QuotaDefaultsInput" });

export const quotaSchema = z
  .object({
    maxContainers: z.number().int(),
    maxMemoryMb: z.number().int(),
    maxCpuMillis: z.number().int(),
    maxVolumes: z.number().int(),
    maxContainerMemoryMb: z.number().int(),
    maxContainerCpuMillis: z.number().int(),
  })
  .meta({ id: "Quota" });

export const usageSchema = z
  .object({
    quota: quotaSchema,
    used: z.object({ containers: z.number().int(), memoryMb: z.number().int(), cpuMillis: z.number().int(), volumes: z.number().int() }),
  })
  .meta({ id: "TenantUsage" });

export type QuotaInput = z.infer<typeof quotaInputSchema>;
export type QuotaDefaultsInput = z.infer<typeof quotaDefaultsInputSchema>;
