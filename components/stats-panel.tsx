"use client";

import { useEffect, useState } from "react";
import { formatBytes, formatMemory } from "@/lib/format/bytes";
import type { StatsDto } from "@/lib/schemas/container";

/** One sample of GET /containers/{id}/stats, stamped when it arrived. */
interface Sample extends StatsDto {
  at: number;
}

const INTERVAL_MS = 2000;
const WINDOW_MS = 5 * 60 * 1000;
const WINDOW = WINDOW_MS / INTERVAL_MS;

/** The smallest 1, 2 or 5 × 10ⁿ at or above `value`: round numbers on an axis. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value * (1 - 1e-9)) ?? 10;
  return step * power;
}

interface Series {
  name: string;
  /** Values with the time (ms) each was read. */
  points: { at: number; value: number }[];
  dashed?: boolean;
}

/**
 * A small line chart with labelled axes: the y axis from 0 to `max` in the chart's unit
 * (three ticks), the x axis the last 5 minutes up to the newest sample: points sit at
 * their time, so a fresh chart fills in from the right instead of stretching. Axis text is HTML beside
 * the SVG, so it stays readable when the plot stretches to the card's width (390 px too).
 */
function LineChart({
  title,
  series,
  max,
  format,
  now,
}: {
  title: string;
  series: Series[];
  max: number;
  format: (v: number) => string;
  /** When the newest sample was read: the right end of the time axis. */
  now: number;
}) {
  const top = Math.max(max, 1e-9);
  const line = (points: Series["points"]) =>
    points.map(({ at, value }) => `${100 - ((now - at) / WINDOW_MS) * 100},${60 - (Math.min(Math.max(value, 0), top) / top) * 60}`).join(" ");
  const ticks = [top, top / 2, 0];
  return (
    <figure className="line-chart" aria-label={`${title} over the last 5 minutes`}>
      <figcaption className="axis-title">{title}</figcaption>
      <div className="y-axis" role="group" aria-label={`${title} axis`}>
        {ticks.map((t) => (
          <span key={t}>{format(t)}</span>
        ))}
      </div>
      <svg
        viewBox="0 0 100 60"
        preserveAspectRatio="none"
        role="img"
        aria-label={`${title}: ${series.map((s) => `${s.name} ${format(s.points.at(-1)?.value ?? 0)}`).join(", ")}`}
      >
        <rect x="0" y="0" width="100" height="60" fill="var(--chart-bg)" />
        {[0, 30, 60].map((y) => (
          <line key={y} x1="0" x2="100" y1={y} y2={y} stroke="var(--chart-grid)" strokeWidth="1" vectorEffect="non-scaling-stroke" />
        ))}
        {series.map(
          (s) =>
            s.points.length > 1 && (
              <polyline
                key={s.name}
                points={line(s.points)}
                fill="none"
                stroke="var(--chart-line)"
                strokeWidth="1.5"
                strokeDasharray={s.dashed ? "4 3" : undefined}
                vectorEffect="non-scaling-stroke"
              />
            ),
        )}
      </svg>
      <div className="x-axis" role="group" aria-label="Time axis">
        <span>5 min ago</span>
        <span>now</span>
      </div>
    </figure>
  );
}

const percent = (v: number) => `${Number(v.toFixed(v < 10 ? 1 : 0))} %`;
const megabytes = (v: number) => `${Number((v / 2 ** 20).toFixed(v < 10 * 2 ** 20 ? 1 : 0))} MB`;
const bytesPerSecond = (v: number) => `${formatBytes(v)}/s`;
const count = (v: number) => String(Math.round(v));

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
    at: s.at,
    rx: Math.max(0, s.netRxBytes - samples[i].netRxBytes) / ((s.at - samples[i].at) / 1000),
    tx: Math.max(0, s.netTxBytes - samples[i].netTxBytes) / ((s.at - samples[i].at) / 1000),
  }));
  const lastRate = rates.at(-1);
  const now = samples.at(-1)?.at ?? 0;

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
            <LineChart
              title="CPU, %"
              series={[{ name: "CPU", points: samples.map((s) => ({ at: s.at, value: s.cpuPercent })) }]}
              max={niceCeil(Math.max(100, ...samples.map((s) => s.cpuPercent)))}
              format={percent}
              now={now}
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
            <LineChart
              title="Memory, MB (up to the limit)"
              series={[{ name: "Memory", points: samples.map((s) => ({ at: s.at, value: s.memoryBytes })) }]}
              max={last.memoryLimitBytes}
              format={megabytes}
              now={now}
            />
          </div>
          <div className="card chart">
            <div className="label">Network in / out</div>
            <div className="value tabular">
              {formatBytes(lastRate?.rx ?? 0)}/s · {formatBytes(lastRate?.tx ?? 0)}/s
            </div>
            <LineChart
              title="Network, bytes/s (in solid, out dashed)"
              series={[
                { name: "In", points: rates.map((r) => ({ at: r.at, value: r.rx })) },
                { name: "Out", points: rates.map((r) => ({ at: r.at, value: r.tx })), dashed: true },
              ]}
              max={niceCeil(Math.max(1000, ...rates.flatMap((r) => [r.rx, r.tx])))}
              format={bytesPerSecond}
              now={now}
            />
          </div>
          <div className="card chart">
            <div className="label">Processes</div>
            <div className="value tabular">{last.pids}</div>
            <LineChart
              title="Processes"
              series={[{ name: "Processes", points: samples.map((s) => ({ at: s.at, value: s.pids })) }]}
              max={niceCeil(Math.max(8, ...samples.map((s) => s.pids)))}
              format={count}
              now={now}
            />
          </div>
        </div>
      )}
    </section>
  );
}
