import "server-only";
import type Dockerode from "dockerode";

/** One engine event as the events API sends it (the fields Berth reads). */
export interface RawEngineEvent {
  Type?: string;
  Action?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  timeNano?: number;
}

/**
 * Hands each JSON line of an engine's event stream to `onEvent`. A partial or foreign line
 * is skipped: the reconciler's next full re-read corrects anything missed.
 */
export function onEventLines(stream: NodeJS.ReadableStream, onEvent: (raw: RawEngineEvent) => void): void {
  let buffer = "";
  stream.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (!line) continue;
      try {
        onEvent(JSON.parse(line) as RawEngineEvent);
      } catch {
        // See above.
      }
    }
  });
}

/**
 * Follows an engine's event stream until it ends (e.g. the daemon restarted) or `signal`
 * aborts; rejects only if it cannot be opened. `onOpen` runs once the engine sends events:
 * a re-read asked for from then on misses nothing.
 */
export async function followEventStream(
  engine: Dockerode,
  filters: Record<string, string[]>,
  onEvent: (raw: RawEngineEvent) => void,
  signal: AbortSignal,
  onOpen: () => void = () => undefined,
): Promise<void> {
  const stream = (await engine.getEvents({ filters })) as NodeJS.ReadableStream & { destroy?: () => void };
  onOpen();
  await new Promise<void>((resolve) => {
    const finish = () => resolve();
    const abort = () => {
      stream.destroy?.();
      finish();
    };
    if (signal.aborted) abort();
    signal.addEventListener("abort", abort);
    onEventLines(stream, onEvent);
    stream.on("end", finish);
    stream.on("close", finish);
    stream.on("error", finish);
  });
}
