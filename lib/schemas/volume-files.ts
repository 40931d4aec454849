import { z } from "zod";

export const volumeFileSchema = z
  .object({
    /** Relative to the volume's root, "/"-separated. */
    path: z.string(),
    type: z.enum(["file", "directory", "symlink", "other"]),
    size: z.number().int(),
    modifiedAt: z.iso.datetime(),
  })
  .meta({ id: "VolumeFile" });

export const volumeFilesSchema = z
  .object({ items: z.array(volumeFileSchema), truncated: z.boolean().meta({ description: "more than 1000 entries: the rest are not listed" }) })
  .meta({ id: "VolumeFiles" });

export const uploadResultSchema = z.object({ items: z.array(volumeFileSchema) }).meta({ id: "VolumeUploadResult" });

/** The multipart form of an upload, for the OpenAPI document (the route parses the form itself). */
export const uploadFormSchema = z
  .object({
    file: z
      .array(z.string().meta({ format: "binary" }))
      .meta({ description: 'one part per file; its filename is the path ("css/site.css" allowed)' }),
    folder: z.string().optional().meta({ description: "a folder inside the volume to put the files in; created when missing" }),
  })
  .strict()
  .meta({ id: "VolumeUpload" });

export type VolumeFileDto = z.infer<typeof volumeFileSchema>;
export type VolumeFilesDto = z.infer<typeof volumeFilesSchema>;
