import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { assertCanReadTenant, tenantWhere } from "@/lib/authz";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { listVolumeEntries, writeVolumeFiles, type VolumeEntry } from "@/lib/docker/volume-files";
import { ServiceError, notFound, type FieldError } from "@/lib/errors";
import { formatMiB } from "@/lib/format/bytes";
import { joinUploadPath, normaliseFolder, uploadPathProblem } from "@/lib/files/upload-path";
import type { VolumeFileDto, VolumeFilesDto } from "@/lib/schemas/volume-files";
import { command } from "@/lib/services/command";

/** A file as a form or a multipart body delivers it (the web File). */
export interface UploadedFile {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface UploadInput {
  folder?: unknown;
  files: unknown[];
  /** Form fields other than "file" and "folder": refused, like unknown JSON fields. */
  unknownFields?: string[];
  /**
   * A body the door could not read (too large, not multipart): thrown after the caller is
   * authorized, so the refusal is recorded against the volume like any other.
   */
  invalid?: ServiceError;
}

export const MAX_FILES_PER_UPLOAD = 50;

const toDto = ({ path, type, size, modifiedAt }: VolumeEntry): VolumeFileDto => ({ path, type, size, modifiedAt });

const isUploadedFile = (value: unknown): value is UploadedFile =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as UploadedFile).name === "string" &&
  typeof (value as UploadedFile).size === "number" &&
  typeof (value as UploadedFile).arrayBuffer === "function";

async function volumeInScope(actor: Actor, volumeId: string) {
  const volume = await db.volume.findFirst({ where: { id: volumeId, tenant: tenantWhere(actor) }, include: { tenant: true } });
  if (!volume) throw notFound("Volume");
  return volume;
}

/** The files in a volume, read by the helper container; anyone who can see the tenant. */
export async function listVolumeFiles(actor: Actor, volumeId: string): Promise<VolumeFilesDto> {
  const volume = await volumeInScope(actor, volumeId);
  assertCanReadTenant(actor, volume.tenantId);
  const { entries, truncated } = await listVolumeEntries(volume.tenant, volume.dockerName);
  return { items: entries.map(toDto).sort((a, b) => a.path.localeCompare(b.path)), truncated };
}

/** Checks names and sizes before a byte is read or sent: the caps hold whatever the door. */
function checkUpload(input: UploadInput): { folder: string; files: { path: string; file: UploadedFile }[] } {
  const { uploadMaxFileBytes, uploadMaxTotalBytes } = config();
  const problems: FieldError[] = (input.unknownFields ?? []).map((key) => ({
    path: key.slice(0, 64),
    message: `unknown field "${key.slice(0, 64)}"`,
  }));
  const folder = typeof input.folder === "string" ? normaliseFolder(input.folder) : "";
  if (input.folder !== undefined && typeof input.folder !== "string") problems.push({ path: "folder", message: "must be text" });
  const folderProblem = folder ? uploadPathProblem(folder) : undefined;
  if (folderProblem) problems.push({ path: "folder", message: folderProblem });
  const files = input.files.filter((f) => !(isUploadedFile(f) && f.name === "" && f.size === 0));
  if (files.length === 0) problems.push({ path: "files", message: "choose at least one file" });
  if (files.length > MAX_FILES_PER_UPLOAD) problems.push({ path: "files", message: `upload at most ${MAX_FILES_PER_UPLOAD} files at a time` });
  let total = 0;
  const checked: { path: string; file: UploadedFile }[] = [];
  const seen = new Set<string>();
  for (const file of files.slice(0, MAX_FILES_PER_UPLOAD)) {
    if (!isUploadedFile(file)) {
      problems.push({ path: "files", message: "each file must be sent as a file part" });
      continue;
    }
    const path = joinUploadPath(folder, file.name);
    const problem = uploadPathProblem(file.name) ?? uploadPathProblem(path);
    const label = JSON.stringify(file.name.slice(0, 100));
    if (problem) problems.push({ path: "files", message: `${label}: ${problem}` });
    else if (seen.has(path)) problems.push({ path: "files", message: `${label} is chosen twice` });
    if (file.size > uploadMaxFileBytes) {
      problems.push({ path: "files", message: `${label} is ${formatMiB(file.size)}; files may be at most ${formatMiB(uploadMaxFileBytes)}` });
    }
    total += file.size;
    seen.add(path);
    checked.push({ path, file });
  }
  if (total > uploadMaxTotalBytes) {
    problems.push({
      path: "files",
      message: `together the files are ${formatMiB(total)}; one upload may be at most ${formatMiB(uploadMaxTotalBytes)}`,
    });
  }
  if (problems.length) {
    throw new ServiceError("validation_failed", `The upload was refused: ${problems.map((p) => p.message).join("; ")}`, problems);
  }
  return { folder, files: checked };
}

/**
 * Writes files into a tenant volume through the helper container, as the tenant's uid
 * (lib/docker/volume-files.ts). Owners only, like the volume itself; size-capped
 * (BERTH_UPLOAD_MAX_FILE_MB, BERTH_UPLOAD_MAX_TOTAL_MB); recorded with each path and size.
 */
export const uploadVolumeFiles = command(
  "volume.upload",
  async (cmd, volumeId: string, input: UploadInput): Promise<{ items: VolumeFileDto[] }> => {
    const volume = await volumeInScope(cmd.actor, volumeId);
    cmd.about({ tenantId: volume.tenantId, target: `volume:${volume.name}` });
    const tenant = await cmd.actingTenant(volume.tenantId, "owner");
    // Like a launch or a start: a suspended tenant runs nothing, the helper included.
    if (tenant.suspended) throw new ServiceError("conflict", "This tenant is suspended; files cannot be uploaded until an administrator resumes it.");
    if (input.invalid) throw input.invalid;
    const { files } = checkUpload(input);
    cmd.about({ details: { files: files.map(({ path, file }) => ({ path, size: file.size })) } });
    const data = await Promise.all(files.map(async ({ path, file }) => ({ path, data: new Uint8Array(await file.arrayBuffer()) })));
    // A File's size is what the client declared; the bytes are what counts.
    const tooBig = data.find((d) => d.data.byteLength > config().uploadMaxFileBytes);
    if (tooBig)
      throw new ServiceError("validation_failed", `"${tooBig.path}" is larger than its declared size allows.`, [
        { path: "files", message: "size mismatch" },
      ]);
    const written = await writeVolumeFiles(tenant, volume.dockerName, data).catch((error: unknown) => {
      // A path through a link or a folder, or too many helpers at once: the request is
      // refused. Anything else is the work failing.
      throw error instanceof ServiceError && (error.code === "conflict" || error.code === "rate_limited") ? error : cmd.failure(error);
    });
    await cmd.recordAlone({ details: { volumeId, files: data.map((d) => ({ path: d.path, size: d.data.byteLength })) } });
    return { items: written.entries.map(toDto) };
  },
  ([volumeId]) => ({ details: { volumeId } }),
);
