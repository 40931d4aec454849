import type { DockerExecOptions } from "./create-options";
import type { ExpectedScope } from "./expected-scope";
import { isPlainObject, readStruct } from "./go-json";
import type { TenantContext } from "./tenant-context";
import { violation, type Violation } from "./violation";

/*
 * O4: console sessions. An exec without "User" runs as the container's user, but one with
 * "User": "0" or "Privileged": true runs as root with every capability, regardless of how
 * the container was created — so the exec body is built and checked like a create body.
 */

export function buildExecOptions(ctx: Pick<TenantContext, "uid" | "gid">, cmd: readonly string[], tty = true): DockerExecOptions {
  return {
    Cmd: [...cmd],
    User: `${ctx.uid}:${ctx.gid}`,
    Privileged: false,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: tty,
  };
}

const EXEC_FIELDS = ["Cmd", "User", "Privileged", "AttachStdin", "AttachStdout", "AttachStderr", "Tty", "DetachKeys", "ConsoleSize"] as const;

export function assertExecOptions(options: unknown, expected: Pick<ExpectedScope, "uid" | "gid">): Violation[] {
  const out: Violation[] = [];
  // Env and WorkingDir are not Berth's, and are refused like any other unknown field.
  const f = readStruct(options, "", { known: EXEC_FIELDS, controlOf: () => "O4", flagUnknown: true }, out, "O4");
  if (f.get("User") !== `${expected.uid}:${expected.gid}`) {
    out.push(violation("O4", "User", `a console must run as the tenant's user ${expected.uid}:${expected.gid}`));
  }
  if (!(f.get("Privileged") === false || f.get("Privileged") === undefined)) {
    out.push(violation("O4", "Privileged", "a console is never privileged"));
  }
  const cmd = f.get("Cmd");
  if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every((s) => typeof s === "string" && !s.includes("\u0000"))) {
    out.push(violation("INPUT", "Cmd", "must be a non-empty list of strings"));
  }
  return out;
}

/** Checks `GET /exec/{id}/json`, whose ProcessConfig uses lower-case keys. */
export function verifyExecInspect(inspect: unknown, expected: Pick<ExpectedScope, "uid" | "gid">): Violation[] {
  const process = isPlainObject(inspect) && isPlainObject(inspect.ProcessConfig) ? inspect.ProcessConfig : undefined;
  if (process === undefined) return [violation("O4", "ProcessConfig", "is missing")];
  const out: Violation[] = [];
  const user = process.user;
  // An empty user means "the container's user", which the container verifier checks.
  if (!(user === "" || user === `${expected.uid}:${expected.gid}`)) {
    out.push(violation("O4", "ProcessConfig.user", `runs as ${JSON.stringify(user)}, not the tenant's user`));
  }
  if (process.privileged !== false) out.push(violation("O4", "ProcessConfig.privileged", "a console is never privileged"));
  return out;
}
