"use client";

import { useEffect, useState } from "react";
import { formatBytes, formatMemory } from "@/lib/format/bytes";
import type { StatsDto } from "@/lib/schemas/container";

/** One sample of GET /containers/{id}/stats, stamped when it arrived. */
interface Sample extends StatsDto {
  at: number;
}

const INTERVAL_MS = 2000;
const WINDOW = (5 * 60 * 1000) / INTERVAL_MS;

function Spark({ values, max, label }: { values: number[]; max: number; label: string }) {
  const top = Math.max(max, 1e-9);
  const points = values.map((v, i) => `${(i / Math.max(values.length - 1, 1)) * 100},${60 - (Math.min(v, top) / top) * 56}`).join(" ");
  return (
    <svg viewBox="0 0 100 60" preserveAspectRatio="none" role="img" aria-label={label}>
      <rect x="0" y="0" width="100" height="60" fill="#f3f5f7" />
      {values.length > 1 && <polyline points={points} fill="none" stroke="#1f5fbf" strokeWidth="1.5" vectorEffect="non-scaling-stroke" />}
    </svg>
  );
}

/** Polls the stats endpoint every 2 s and keeps the last 5 minutes in the browser. */
export function StatsPanel({ containerId }: { containerId: string }) {
  const [samples, setSamples] = useState<Sample[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const res = await fetch(`/api/v1/containers/${containerId}/stats`, { cache: "no-store" });
        const body = await res.json();
        if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
        if (!stopped) {
          setError(null);
          setSamples((prev) => [...prev, { at: Date.now(), ...body }].slice(-WINDOW));
        }
      } catch (e) {
        if (!stopped) setError(e instanceof Error ? e.message : "Resource usage cannot be read right now.");
      }
    };
    void poll();
    const timer = setInterval(poll, INTERVAL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [containerId]);

  const last = samples.at(-1);
  // Network counters are totals since start: chart the rate between samples.
  const rates = samples.slice(1).map((s, i) => ({
    rx: Math.max(0, s.netRxBytes - samples[i].netRxBytes) / ((s.at - samples[i].at) / 1000),
    tx: Math.max(0, s.netTxBytes - samples[i].netTxBytes) / ((s.at - samples[i].at) / 1000),
  }));
  const lastRate = rates.at(-1);

  return (
    <section aria-labelledby="stats-head">
      <h2 id="stats-head" className="visually-hidden">
        Resource usage
      </h2>
      {error && (
        <p className="form-message error" role="alert">
          {error}
        </p>
      )}
      {!last && !error && (
        <p className="muted" role="status">
          Reading the first sample…
        </p>
      )}
      {last && (
        <div className="charts">
          <div className="card chart">
            <div className="label">CPU</div>
            <div className="value tabular">{last.cpuPercent.toFixed(1)} %</div>
            <Spark
              values={samples.map((s) => s.cpuPercent)}
              max={Math.max(100, ...samples.map((s) => s.cpuPercent))}
              label="CPU over the last 5 minutes"
            />
          </div>
          <div className="card chart">
            <div className="label">Memory</div>
            <div className="value tabular">
              {formatMemory(last.memoryBytes)}{" "}
              <span className="muted" style={{ fontSize: 13 }}>
                of {formatMemory(last.memoryLimitBytes)}
              </span>
            </div>
            <Spark values={samples.map((s) => s.memoryBytes)} max={last.memoryLimitBytes} label="Memory against its limit over the last 5 minutes" />
          </div>
          <div className="card chart">
            <div className="label">Network in / out</div>
            <div className="value tabular">
              {formatBytes(lastRate?.rx ?? 0)}/s · {formatBytes(lastRate?.tx ?? 0)}/s
            </div>
            <Spark
              values={rates.map((r) => r.rx + r.tx)}
              max={Math.max(1024, ...rates.map((r) => r.rx + r.tx))}
              label="Network traffic over the last 5 minutes"
            />
          </div>
          <div className="card chart">
            <div className="label">Processes</div>
            <div className="value tabular">{last.pids}</div>
            <Spark
              values={samples.map((s) => s.pids)}
              max={Math.max(8, ...samples.map((s) => s.pids))}
              label="Process count over the last 5 minutes"
            />
          </div>
        </div>
      )}
    </section>
  );
}
