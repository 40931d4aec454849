/**
 * Where an uploaded file may go inside a volume: a relative path of plain names. Checked
 * here, before anything reaches the helper container, and again by the helper's script and
 * by reading back what it wrote (lib/docker/volume-files.ts): a path is never trusted to
 * stay inside the volume just because the shell would resolve it there.
 */
export const MAX_UPLOAD_PATH_BYTES = 255;
const MAX_SEGMENT_BYTES = 100;
const MAX_DEPTH = 8;

/** Printable characters only: control characters would break the listing's one-line-per-file output. */
const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f\\]/;

/** Returns why a relative path is refused, or undefined when it is a safe place for a file. */
export function uploadPathProblem(path: string): string | undefined {
  if (path === "") return "the file needs a name";
  if (path.startsWith("/")) return "use a path inside the volume, not an absolute path";
  if (UNSAFE_CHARACTER.test(path)) return "names may not contain control characters or backslashes";
  if (Buffer.byteLength(path, "utf8") > MAX_UPLOAD_PATH_BYTES) return `the path is longer than ${MAX_UPLOAD_PATH_BYTES} bytes`;
  const segments = path.split("/");
  if (segments.length > MAX_DEPTH) return `folders may be at most ${MAX_DEPTH - 1} levels deep`;
  for (const segment of segments) {
    if (segment === "") return "the path has an empty folder name (a doubled or trailing slash)";
    if (segment === "." || segment === "..") return `"${segment}" is not allowed in a path`;
    if (Buffer.byteLength(segment, "utf8") > MAX_SEGMENT_BYTES) return `a name is longer than ${MAX_SEGMENT_BYTES} bytes`;
  }
  return undefined;
}

/** A folder inside the volume to upload into ("" for the top); the same rules as a file path. */
export function normaliseFolder(folder: string): string {
  return folder
    .trim()
    .replace(/^\.\/+/, "")
    .replace(/\/+$/, "");
}

export function joinUploadPath(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name;
}
