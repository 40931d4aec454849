/**
 * Splits a one-line command the way a person expects from a shell prompt, without a
 * shell: whitespace separates arguments, '…' keeps everything literally, "…" keeps
 * spaces and lets \" and \\ through, and a backslash outside quotes escapes the next
 * character. Nothing is expanded ($VAR, globs, ~): the result is an argv, run as is.
 * Shared by the browser and the server, so it imports nothing.
 */
export type SplitCommandResult = { ok: true; args: string[] } | { ok: false; error: string };

export function splitCommand(line: string): SplitCommandResult {
  const args: string[] = [];
  let current = "";
  // Distinguishes `''` (one empty argument) from no argument at all.
  let inArg = false;
  let quote: "'" | '"' | null = null;

  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      else current += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === "\\" && (line[i + 1] === '"' || line[i + 1] === "\\")) current += line[++i];
      else current += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inArg = true;
    } else if (ch === "\\") {
      if (i + 1 >= line.length) return { ok: false, error: "the command ends with a lone backslash" };
      current += line[++i];
      inArg = true;
    } else if (/\s/.test(ch)) {
      if (inArg) args.push(current);
      current = "";
      inArg = false;
    } else {
      current += ch;
      inArg = true;
    }
  }
  if (quote) return { ok: false, error: `close the ${quote === "'" ? "single" : "double"} quote` };
  if (inArg) args.push(current);
  return { ok: true, args };
}
