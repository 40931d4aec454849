/**
 * The launch form's errors in the form's own words. The API names a field by its path in the
 * request ("ports[2].container") and adds what it got ("(got null)"): the contract for a
 * program, noise for a person, who sees "Port 3", "Variable GREETING", "Volume 2, mount path".
 * Pure, so the client form and the unit tests share it.
 */

/** Where an error sits in the form: the top-level field it goes under, and the words that name it. */
export interface PlacedError {
  /** The top-level request field ("ports", "env", "memoryMb"), or "_form". */
  field: string;
  /** The row it is about, counted from 0 (ports, volumes), or the variable's name (env). */
  row?: number | string;
  /** The part of the row ("path", "volume", "protocol"), when the error names one. */
  part?: string;
  message: string;
}

const FIELD_WORDS: Record<string, string> = {
  name: "Name",
  imageId: "Image",
  image: "Image",
  command: "Command",
  env: "Environment variables",
  ports: "Ports",
  volumes: "Volumes",
  memoryMb: "Memory",
  cpuMillis: "CPU",
  readOnlyRootfs: "Root filesystem",
  restart: "Restart policy",
};

const ENV_NAME_RULE = 'use letters, digits and "_" in the name, not starting with a digit';

const PORT_PARTS: Record<string, string> = { container: "", protocol: "protocol", expose: "how it is served" };
const VOLUME_PARTS: Record<string, string> = { volume: "volume", path: "mount path", readOnly: "read-only", create: "new volume" };

/** A validation sentence as a person reads it: without the "(got …)" a program needs, and asking rather than stating. */
export function plainMessage(message: string): string {
  return message
    .replace(/\s*\(got [^)]*\)\s*$/, "")
    .replace(/^must be a whole number from/, "enter a whole number from")
    .replace(/^Invalid input: expected number, received \w+$/, "enter a number")
    .replace(/^is required$/, "fill this in");
}

/**
 * Splits "ports[2].container" into ["ports", 2, "container"], "env.GREETING" into ["env", "GREETING"]
 * and 'env["1BAD"]' (a key that is not an identifier, quoted as JSON) into ["env", "1BAD"].
 */
function segments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([^.[\]]+)/g)) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(JSON.parse(m[2]) as string);
    else out.push(m[3]);
  }
  return out;
}

/** The words naming the place a path points at, or "" for a top-level field (its label names it). */
export function fieldWords(path: string): string {
  const [top, row, part] = segments(path);
  if (typeof top !== "string") return "";
  if (row === undefined) return FIELD_WORDS[top] ?? "";
  if (top === "ports" && typeof row === "number") {
    const sub = typeof part === "string" ? PORT_PARTS[part] : "";
    return `Port ${row + 1}${sub ? `, ${sub}` : ""}`;
  }
  if (top === "volumes" && typeof row === "number") {
    const sub = typeof part === "string" ? (VOLUME_PARTS[part] ?? part) : "";
    return `Volume ${row + 1}${sub ? `, ${sub}` : ""}`;
  }
  if (top === "env") return `Variable ${row}`;
  if (top === "command" && typeof row === "number") return `Command, argument ${row + 1}`;
  return FIELD_WORDS[top] ?? "";
}

/** One API field error placed in the form and said in its words: "Port 3: enter a whole number from 1 to 65535". */
export function placeError(path: string, message: string): PlacedError {
  const [top, row, part] = segments(path);
  const known = typeof top === "string" && top in FIELD_WORDS;
  const words = known ? fieldWords(path) : "";
  // A bad variable name fails the whole record's check, whose words describe the record, not the name.
  const text = top === "env" && row !== undefined && /^must be an object of NAME/.test(message) ? ENV_NAME_RULE : plainMessage(message);
  return {
    field: known ? (top === "image" ? "imageId" : top) : "_form",
    ...(known && row !== undefined ? { row } : {}),
    ...(known && typeof part === "string" ? { part } : {}),
    message: words ? `${words}: ${text}` : text,
  };
}

/** The API's errors (path → messages) grouped by the field they sit under, in the form's words. */
export function launchErrors(errors: Record<string, string[]> | undefined): { byField: Record<string, string[]>; placed: PlacedError[] } {
  const byField: Record<string, string[]> = {};
  const placed: PlacedError[] = [];
  for (const [path, messages] of Object.entries(errors ?? {})) {
    for (const m of messages) {
      const p = path === "_form" ? { field: "_form", message: m } : placeError(path, m);
      placed.push(p);
      (byField[p.field] ??= []).push(p.message);
    }
  }
  return { byField, placed };
}
