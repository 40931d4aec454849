/**
 * A minimal ustar writer for the files Berth uploads into a volume. Berth builds the
 * archive itself from checked paths (regular files and nothing else: no links, devices or
 * absolute names can appear in it), so the helper's `tar -x` only ever creates what was
 * checked.
 */
export interface TarFile {
  path: string;
  data: Uint8Array;
  mode?: number;
  mtime?: Date;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width includes the terminating NUL.
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

/** Splits a path into ustar's prefix (≤ 155 bytes) and name (≤ 100 bytes) at a slash. */
export function splitUstarPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: "", name: path };
  for (let i = path.indexOf("/"); i !== -1; i = path.indexOf("/", i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== "") return { prefix, name };
  }
  throw new Error(`path too long for a tar header: ${path}`);
}

function header(file: TarFile): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  const { prefix, name } = splitUstarPath(file.path);
  h.write(name, 0, 100, "utf8");
  h.write(octal(file.mode ?? 0o644, 8), 100, "ascii");
  // Owner fields are left 0: the helper extracts as the tenant's uid, which cannot chown,
  // so the files belong to whoever wrote them, which is exactly the tenant.
  h.write(octal(0, 8), 108, "ascii");
  h.write(octal(0, 8), 116, "ascii");
  h.write(octal(file.data.byteLength, 12), 124, "ascii");
  h.write(octal(Math.floor((file.mtime ?? new Date()).getTime() / 1000), 12), 136, "ascii");
  h.write("        ", 148, "ascii");
  h.write("0", 156, "ascii");
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(octal(sum, 7) + " ", 148, "ascii");
  return h;
}

export function buildTar(files: readonly TarFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    parts.push(header(file), Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength));
    const pad = (BLOCK - (file.data.byteLength % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}
