/**
 * Control ids of `hardening-controls.md`. "INPUT" marks a refusal that is about the
 * shape of what was sent (a malformed or unknown field) rather than one control.
 */
export const CONTROL_IDS = [
  "U1",
  "U2",
  "U3",
  "U4",
  "U5",
  "U6",
  "U7",
  "H1",
  "H2",
  "H3",
  "H4",
  "H5",
  "H6",
  "H7",
  "H8",
  "R1",
  "R2",
  "R3",
  "R4",
  "R5",
  "R6",
  "R7",
  "R8",
  "N1",
  "N2",
  "O1",
  "O2",
  "O3",
  "O4",
] as const;

export type ControlId = (typeof CONTROL_IDS)[number];

export interface Violation {
  control: ControlId | "INPUT";
  /** Field path in the object that was checked, e.g. `volumes[0].path` or `HostConfig.CapAdd[1]`. */
  path: string;
  /** A sentence a person understands: what is wrong and, where possible, what to do. */
  message: string;
}

export function violation(control: ControlId | "INPUT", path: string, message: string): Violation {
  return { control, path, message };
}

/** Each violation once: several checks can reach the same field with the same finding. */
export function dedupeViolations(list: Violation[]): Violation[] {
  const seen = new Set<string>();
  return list.filter((v) => {
    const key = `${v.control}|${v.path}|${v.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function formatViolation(v: Violation): string {
  return v.path === "" ? v.message : `${v.path}: ${v.message}`;
}

/**
 * Renders a path the way a JavaScript reader writes it: `volumes[0].path`. Keys that are
 * not identifiers (Docker label and port keys such as `8080/tcp`) are quoted so a path
 * can never be confused with a different, nested field.
 */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") {
      out += `[${segment}]`;
    } else {
      const key = String(segment);
      if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) out += out === "" ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}
