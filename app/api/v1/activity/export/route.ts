import { authedRoute } from "@/lib/api/route";
import { csvHeader } from "@/lib/activity/export-format";
import { exportActivity, type ExportLine } from "@/lib/services/activity";

export const dynamic = "force-dynamic";

const encoder = new TextEncoder();
// Bytes per chunk handed to the response. The stream asks for the next chunk only when the
// one before it has been taken, and Next waits for the socket to drain before taking it,
// so a slow reader holds the server at one page of lines plus a chunk or two.
const CHUNK_CHARS = 64 * 1024;

/** The current filter as a file, streamed chunk by chunk (pull-driven: a slow client slows the reads). */
export const GET = authedRoute(async (actor, req) => {
  const { format, pages } = await exportActivity(actor, Object.fromEntries(new URL(req.url).searchParams));
  let pending = format === "csv" ? csvHeader() : "";
  let lines: ExportLine[] = [];
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let text = pending;
      pending = "";
      while (text.length < CHUNK_CHARS) {
        if (next === lines.length) {
          // The page just written goes before the next is read: one page held at a time.
          lines = [];
          const page = req.signal.aborted ? { done: true as const } : await pages.next();
          if (page.done) {
            if (text) controller.enqueue(encoder.encode(text));
            controller.close();
            return;
          }
          lines = page.value;
          next = 0;
        }
        text += lines[next++].line;
      }
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      lines = [];
      await pages.return(undefined);
    },
  });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return new Response(body, {
    headers: {
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "Content-Disposition": `attachment; filename="berth-activity-${stamp}.${format === "csv" ? "csv" : "jsonl"}"`,
      "Cache-Control": "no-store",
    },
  });
});
