import { authedRoute } from "@/lib/api/route";
import { csvHeader, csvLine, jsonLine } from "@/lib/activity/export-format";
import { exportActivity } from "@/lib/services/activity";

export const dynamic = "force-dynamic";

const encoder = new TextEncoder();

/** The current filter as a file, streamed batch by batch (pull-driven: a slow client slows the reads). */
export const GET = authedRoute(async (actor, req) => {
  const { format, batches } = await exportActivity(actor, Object.fromEntries(new URL(req.url).searchParams));
  const line = format === "csv" ? csvLine : jsonLine;
  let headerSent = format !== "csv";
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvHeader()));
        return;
      }
      const next = await batches.next();
      if (next.done || req.signal.aborted) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map(line).join("")));
    },
    async cancel() {
      await batches.return(undefined);
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
