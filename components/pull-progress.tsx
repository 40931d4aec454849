import type { PullProgress } from "@/lib/docker/images";
import { formatBytes } from "@/lib/format/bytes";

const finished = new Set(["Pull complete", "Already exists"]);

function bytesOf(current: number, total: number): string {
  return total > 0 ? `${formatBytes(current)} of ${formatBytes(total)}` : "";
}

/**
 * The pull's total and one bar per layer. Only the one-line summary is a live region:
 * announcing every byte count would drown a screen reader.
 */
export function PullProgressView({ progress, imageRef, phase }: { progress: PullProgress; imageRef: string; phase: "pulling" | "done" | "failed" }) {
  const done = progress.layers.filter((l) => finished.has(l.status)).length;
  const lead = phase === "pulling" ? `Pulling ${imageRef}` : phase === "done" ? `Pulled ${imageRef}` : `Pull of ${imageRef} failed`;
  const layers = progress.layers.length > 0 ? ` ${done} of ${progress.layers.length} layers complete.` : "";
  // The engine ends with "Downloaded newer image for <ref>"; the ref is already in the lead.
  const summary = `${lead}:${layers} ${progress.status.replace(` for ${imageRef}`, "")}.`;
  return (
    <section className={`pull-progress ${phase}`} aria-label={`Pull progress for ${imageRef}`}>
      <p role="status" aria-live="polite" className="pull-status">
        {summary}
      </p>
      <div className="pull-row total">
        <label htmlFor="pull-total">Total</label>
        {progress.totalBytes > 0 ? (
          <progress id="pull-total" value={progress.currentBytes} max={progress.totalBytes} />
        ) : (
          <progress id="pull-total" />
        )}
        <span className="num">{bytesOf(progress.currentBytes, progress.totalBytes)}</span>
      </div>
      {progress.layers.length > 0 && (
        <ul className="pull-layers">
          {progress.layers.map((layer) => (
            <li key={layer.id} className="pull-row">
              <label htmlFor={`pull-layer-${layer.id}`}>
                Layer <code>{layer.id}</code>
              </label>
              {finished.has(layer.status) ? (
                <progress id={`pull-layer-${layer.id}`} value={1} max={1} />
              ) : layer.total > 0 ? (
                <progress id={`pull-layer-${layer.id}`} value={layer.current} max={layer.total} />
              ) : (
                <progress id={`pull-layer-${layer.id}`} />
              )}
              <span className="num">
                {layer.status}
                {layer.total > 0 && !finished.has(layer.status) ? ` · ${bytesOf(layer.current, layer.total)}` : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
