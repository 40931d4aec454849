import "server-only";
import { PassThrough, type Readable } from "node:stream";
import { docker } from "@/lib/docker/client";
import { toServiceError } from "@/lib/docker/errors";
import { inspectWorkload } from "@/lib/docker/workloads";
import { ServiceError } from "@/lib/errors";

export interface LogOptions {
  tail: number;
  timestamps: boolean;
  follow: boolean;
}

/**
 * The container's stdout and stderr as one text stream. Without a TTY Docker multiplexes
 * both into 8-byte-framed chunks; demuxing here means callers only ever see text.
 */
export async function workloadLogs(tenantId: string, dockerId: string, options: LogOptions, signal?: AbortSignal): Promise<Readable> {
  const info = await inspectWorkload(tenantId, dockerId);
  if (!info) throw new ServiceError("not_found", "Container was not found.");
  const container = docker().getContainer(info.Id);
  const out = new PassThrough();
  try {
    if (options.follow) {
      const raw = await container.logs({ stdout: true, stderr: true, tail: options.tail, timestamps: options.timestamps, follow: true });
      if (info.Config.Tty) raw.pipe(out);
      else docker().modem.demuxStream(raw, out, out);
      raw.on("end", () => out.end());
      raw.on("error", (error) => out.destroy(error));
      signal?.addEventListener("abort", () => {
        (raw as Readable & { destroy?: () => void }).destroy?.();
        out.end();
      });
    } else {
      const buffer = await container.logs({ stdout: true, stderr: true, tail: options.tail, timestamps: options.timestamps, follow: false });
      out.end(info.Config.Tty ? buffer : demuxBuffer(buffer));
    }
  } catch (error) {
    throw toServiceError(error, "Reading the logs");
  }
  return out;
}

/** Strips Docker's stream framing (1 byte stream, 3 padding, 4 length) from a whole buffer. */
export function demuxBuffer(buffer: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const length = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return Buffer.concat(parts);
}
