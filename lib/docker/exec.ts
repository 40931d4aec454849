import "server-only";
import { PassThrough, type Duplex } from "node:stream";
import { toServiceError } from "@/lib/docker/errors";
import { PolicyAssertionError, locateWorkload } from "@/lib/docker/workloads";
import { ServiceError } from "@/lib/errors";
import { assertExecOptions, buildExecOptions, verifyExecInspect } from "@/lib/policy";

export interface ExecResult {
  exitCode: number;
  output: string;
}

/**
 * Runs a command inside a tenant's container as the tenant's user (control O4: never root,
 * never privileged), waits for it and returns its combined output.
 */
export async function execInWorkload(tenant: { id: string; uid: number }, dockerId: string, cmd: string[], timeoutMs = 15_000): Promise<ExecResult> {
  // The engine that holds the container: on Swarm, the node its task runs on.
  const located = await locateWorkload(tenant.id, dockerId);
  if (!located) throw new ServiceError("not_found", "Container was not found.");
  const engine = located.engine;
  const options = { ...buildExecOptions({ uid: tenant.uid, gid: tenant.uid }, cmd, false), AttachStdin: false };
  const violations = assertExecOptions(options, { uid: tenant.uid, gid: tenant.uid });
  if (violations.length) throw new PolicyAssertionError(violations);
  try {
    const exec = await engine.getContainer(located.containerId).exec(options);
    const stream = await exec.start({ hijack: true, stdin: false });
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    engine.modem.demuxStream(stream, out, out);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.destroy();
        reject(new ServiceError("internal", `The command did not finish within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      stream.on("end", () => {
        clearTimeout(timer);
        resolve();
      });
      stream.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const result = await exec.inspect();
    return { exitCode: result.ExitCode ?? -1, output: Buffer.concat(chunks).toString("utf8") };
  } catch (error) {
    throw toServiceError(error, "Running the command");
  }
}

/** An interactive shell inside a tenant's container, relayed byte for byte (the console). */
export interface ConsoleExec {
  /** The engine's hijacked connection: terminal bytes both ways (a TTY: no stream framing). */
  stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
}

/**
 * Control O5: creates the console's exec as the tenant's user, unprivileged (the options are
 * built and asserted like a create body), then reads the exec back from the engine and
 * checks that before a byte is relayed: an exec the engine would run otherwise never starts.
 */
export async function openConsoleExec(tenant: { id: string; uid: number }, dockerId: string, cmd: string[]): Promise<ConsoleExec> {
  const located = await locateWorkload(tenant.id, dockerId);
  if (!located) throw new ServiceError("not_found", "Container was not found.");
  const expected = { uid: tenant.uid, gid: tenant.uid };
  const options = buildExecOptions(expected, cmd, true);
  const violations = assertExecOptions(options, expected);
  if (violations.length) throw new PolicyAssertionError(violations);
  try {
    const exec = await located.engine.getContainer(located.containerId).exec(options);
    const inspected = verifyExecInspect(await exec.inspect(), expected);
    if (inspected.length) throw new PolicyAssertionError(inspected);
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
    return {
      stream,
      resize: async (cols, rows) => {
        await exec.resize({ w: cols, h: rows }).catch(() => undefined);
      },
    };
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    throw toServiceError(error, "Opening a shell in the container");
  }
}
