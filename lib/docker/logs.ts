import "server-only";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import type Dockerode from "dockerode";
import { toServiceError } from "@/lib/docker/errors";
import { locateWorkload } from "@/lib/docker/workloads";
import { ServiceError } from "@/lib/errors";

export interface LogOptions {
  tail: number;
  timestamps: boolean;
  follow: boolean;
}

/**
 * The most lines a followed log starts with. Docker cuts every log message at 16 KiB (its
 * log copier's buffer), so this bounds the backlog a new stream relays to about 16 MiB even
 * for a container that prints without newlines, and to far less for ordinary logs; the
 * relay also waits for the client (backpressure), so the backlog is never held in memory.
 * A larger `tail` is clamped: the download (no follow) serves the long history.
 */
export const FOLLOW_TAIL_MAX = 1000;

/**
 * The most bytes a log download (no follow) sends. `tail` allows 10 000 lines, and at up to
 * 16 KiB a message that is up to ~160 MiB a tenant could make every download cost; past this
 * cap the download stops reading from the engine and ends with a line saying so.
 */
export const DOWNLOAD_MAX_BYTES = 16 * 2 ** 20;

export const downloadCutNotice = (maxBytes: number) =>
  `\n[berth] The download stops here: it holds at most ${Math.round(maxBytes / 2 ** 20)} MiB and the newest lines were left out. ` +
  "Ask for fewer lines with ?tail=N to see them.\n";

/**
 * The container's stdout and stderr as one byte stream of text. Without a TTY Docker
 * multiplexes both into 8-byte-framed chunks; demuxing here means callers only ever see
 * text. Both forms are streamed from the engine (never buffered whole) and honour
 * backpressure, so a slow reader pauses the engine connection instead of growing a buffer.
 */
export async function workloadLogs(tenantId: string, dockerId: string, options: LogOptions, signal?: AbortSignal): Promise<Readable> {
  // The engine that holds the container: on Swarm, the node its task runs (or ran) on.
  const located = await locateWorkload(tenantId, dockerId);
  if (!located) throw new ServiceError("not_found", "Container was not found.");
  const info = located.info;
  let raw: Readable;
  try {
    raw = await openLogStream(located.engine, located.containerId, {
      stdout: true,
      stderr: true,
      timestamps: options.timestamps,
      follow: options.follow,
      tail: options.follow ? Math.min(options.tail, FOLLOW_TAIL_MAX) : options.tail,
      signal,
    });
  } catch (error) {
    throw toServiceError(error, "Reading the logs");
  }
  const text: Readable = info.Config.Tty ? raw : raw.pipe(new DockerFrameDemuxer());
  if (text !== raw) {
    raw.on("error", (error) => text.destroy(error));
    text.on("close", () => raw.destroy());
  }
  if (options.follow) return text;
  return capBytes(text, DOWNLOAD_MAX_BYTES, () => raw.destroy());
}

interface LogQuery {
  stdout: boolean;
  stderr: boolean;
  timestamps: boolean;
  follow: boolean;
  tail: number;
  signal?: AbortSignal;
}

/**
 * GET /containers/{id}/logs as a stream in both modes. dockerode's `logs()` buffers the
 * whole answer when `follow` is false, which for a chatty container is tens of MiB in one
 * Buffer; asking the modem directly with `isStream` keeps it a stream.
 */
function openLogStream(engine: Dockerode, id: string, { signal, ...query }: LogQuery): Promise<Readable> {
  return new Promise((resolve, reject) => {
    engine.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: "GET",
        isStream: true,
        abortSignal: signal,
        statusCodes: { 200: true, 404: "no such container", 500: "server error" },
        options: query,
      },
      (error, stream) => (error ? reject(error) : resolve(stream as Readable)),
    );
  });
}

/**
 * Docker's multiplexed stream (1 byte stream type, 3 padding, 4 bytes big-endian length,
 * then the payload) to plain bytes, stdout and stderr together. Linear in the input: a
 * payload is passed on as slices of the chunks it arrives in, never re-concatenated.
 * (docker-modem's demuxStream copies the rest of its buffer after every frame and ignores
 * backpressure.)
 */
export class DockerFrameDemuxer extends Transform {
  private header = Buffer.alloc(8);
  private headerFilled = 0;
  private payloadLeft = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.payloadLeft > 0) {
        const take = Math.min(this.payloadLeft, chunk.length - offset);
        this.push(chunk.subarray(offset, offset + take));
        this.payloadLeft -= take;
        offset += take;
        continue;
      }
      const take = Math.min(8 - this.headerFilled, chunk.length - offset);
      chunk.copy(this.header, this.headerFilled, offset, offset + take);
      this.headerFilled += take;
      offset += take;
      if (this.headerFilled === 8) {
        this.payloadLeft = this.header.readUInt32BE(4);
        this.headerFilled = 0;
      }
    }
    done();
  }
}

/**
 * Passes at most `maxBytes` through (cut after the last newline before the cap, so no line
 * or character is split), then a notice, then ends and calls `stop` so the source is no
 * longer read.
 */
export function capBytes(source: Readable, maxBytes: number, stop: () => void): Readable {
  let sent = 0;
  let cut = false;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (cut) return done();
      if (sent + chunk.length <= maxBytes) {
        sent += chunk.length;
        return done(null, chunk);
      }
      cut = true;
      const room = chunk.subarray(0, maxBytes - sent);
      const lastNewline = room.lastIndexOf(0x0a);
      this.push(lastNewline >= 0 ? room.subarray(0, lastNewline + 1) : room);
      this.push(downloadCutNotice(maxBytes));
      // Ending here: the rest of the engine's answer is not read at all.
      source.unpipe(capped);
      stop();
      capped.end();
      done();
    },
  });
  source.on("error", (error) => capped.destroy(error));
  capped.on("close", () => source.destroy());
  return source.pipe(capped);
}
