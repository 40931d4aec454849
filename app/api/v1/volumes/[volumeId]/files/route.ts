import { json } from "@/lib/api/respond";
import { authedRoute } from "@/lib/api/route";
import { config } from "@/lib/config";
import { ServiceError } from "@/lib/errors";
import { listVolumeFiles, uploadVolumeFiles } from "@/lib/services/volume-files";

type Params = { volumeId: string };

/** Room for multipart boundaries and headers on top of the files themselves. */
const MULTIPART_OVERHEAD = 1 << 20;

/**
 * The multipart body, read with a byte cap before it is parsed: a caller cannot make the
 * server buffer more than one upload may hold, whatever Content-Length says (or omits).
 */
async function readUploadForm(req: Request): Promise<FormData> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) {
    throw new ServiceError("validation_failed", "Send the files as multipart/form-data, one 'file' part per file (curl -F file=@index.html).");
  }
  const cap = config().uploadMaxTotalBytes + MULTIPART_OVERHEAD;
  const tooLarge = () =>
    new ServiceError("validation_failed", `The upload is larger than ${Math.floor(cap / 2 ** 20)} MiB.`, [{ path: "files", message: "too large" }]);
  if (Number(req.headers.get("content-length") ?? 0) > cap) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > cap) throw tooLarge();
      chunks.push(chunk);
    }
  }
  try {
    return await new Response(Buffer.concat(chunks), { headers: { "content-type": type } }).formData();
  } catch {
    throw new ServiceError("validation_failed", "The body is not a valid multipart form.");
  }
}

export const GET = authedRoute<Params>(async (actor, _req, { volumeId }) => json(await listVolumeFiles(actor, volumeId)));

export const POST = authedRoute<Params>(async (actor, req, { volumeId }) => {
  // The command records a refused upload too, even one whose body could not be read.
  const form = await readUploadForm(req).catch((error: unknown) => error as ServiceError);
  if (form instanceof ServiceError) return json(await uploadVolumeFiles(actor, volumeId, { files: [], folder: undefined, invalid: form }), 201);
  const unknown = [...new Set([...form.keys()])].filter((k) => k !== "file" && k !== "folder");
  return json(
    await uploadVolumeFiles(actor, volumeId, { files: form.getAll("file"), folder: form.get("folder") ?? undefined, unknownFields: unknown }),
    201,
  );
});
