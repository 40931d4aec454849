import { z } from "zod";

export const createVolumeSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, "use 1–41 lowercase letters, digits or dashes, starting with a letter or digit"),
  })
  .strict()
  .meta({ id: "CreateVolume" });

export const volumeSchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    name: z.string(),
    createdAt: z.iso.datetime(),
    inUseBy: z.array(z.string()),
  })
  .meta({ id: "Volume" });

export type VolumeDto = z.infer<typeof volumeSchema>;
