"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { parseLogLine, shortTimestamp, timestampKey } from "@/lib/format/log-line";
import type { ContainerDto } from "@/lib/schemas/container";
import { useHasLiveStream, useLiveContainer, useLiveEnded } from "@/components/live-containers";
import { useStoredFlag } from "@/components/use-stored-flag";

const MAX_LINES = 5000;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

interface Entry {
  key: number;
  ts: string | null;
  text: string;
  /** A note of the viewer's own between lines (followed again after a restart), not output. */
  marker?: true;
}

type Connection = "connecting" | "live" | "ended" | "error";

const RUNNING: ContainerDto["status"][] = ["running", "restarting"];

/**
 * Live tail over Server-Sent Events from the API's logs endpoint (the session cookie is
 * accepted for reads). Pausing keeps the stream but stops the view from scrolling.
 *
 * The stream ends when the container stops; the viewer follows it again by itself once the
 * container runs again (the page's live status says so, components/live-containers.tsx; on its
 * own it retries with a growing wait) and marks the place in the log. Lines always come with
 * the engine's timestamps: they are shown on request, and they let a reconnect skip the lines
 * already shown (the tail it asks for again includes them).
 */
export function LogViewer({ containerId, status: rendered }: { containerId: string; status: ContainerDto["status"] }) {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [tail, setTail] = useState(200);
  const [paused, setPaused] = useState(false);
  const [search, setSearch] = useState("");
  const [showTimestamps, setShowTimestamps] = useStoredFlag("berth.logs.timestamps", false);
  const [wrap, setWrap] = useStoredFlag("berth.logs.wrap", true);
  const [connection, setConnection] = useState<Connection>("connecting");
  // Why the server ended the stream (the container stopped, or your access ended).
  const [endReason, setEndReason] = useState("");
  // Bumped to follow again; 0 is the first connection for this tail.
  const [attempt, setAttempt] = useState(0);
  const [reconnected, setReconnected] = useState(false);
  const { status } = useLiveContainer({ id: containerId, status: rendered });
  const liveEnded = useLiveEnded();
  const hasLiveStream = useHasLiveStream();
  const box = useRef<HTMLDivElement>(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const lastKey = useRef("");
  const nextKey = useRef(0);
  const retryDelay = useRef(FIRST_RETRY_MS);

  // A new tail starts over.
  const changeTail = (lines: number) => {
    setEntries([]);
    lastKey.current = "";
    setAttempt(0);
    setReconnected(false);
    setTail(lines);
  };

  useEffect(() => {
    const again = attempt > 0;
    setConnection("connecting");
    setEndReason("");
    let markPending = again;
    const source = new EventSource(`/api/v1/containers/${containerId}/logs?follow=true&timestamps=true&tail=${tail}`);
    source.onopen = () => setConnection("live");
    source.onmessage = (event) => {
      const line = parseLogLine(event.data);
      const key = line.ts ? timestampKey(line.ts) : null;
      // Already shown before the reconnect: the engine sends the tail again.
      if (again && key !== null && key <= lastKey.current) return;
      if (key !== null) lastKey.current = key;
      const fresh: Entry[] = [];
      if (markPending) {
        markPending = false;
        setReconnected(true);
        retryDelay.current = FIRST_RETRY_MS;
        fresh.push({ key: nextKey.current++, ts: line.ts, text: "The container is running again; following its log.", marker: true });
      }
      fresh.push({ key: nextKey.current++, ...line });
      setEntries((prev) => [...prev, ...fresh].slice(-MAX_LINES));
    };
    source.addEventListener("end", (event) => {
      setEndReason(event.data);
      setConnection("ended");
      source.close();
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) setConnection("error");
    };
    return () => source.close();
  }, [containerId, tail, attempt]);

  // Follow again once the container runs: at once when the live status turns to running, and
  // with a growing wait while it says running but the stream keeps ending (a restart the
  // status has not caught up with, a container that exits at once). Not when the page's
  // access ended: a new request would be refused too.
  const running = hasLiveStream ? RUNNING.includes(status) : true;
  const stopped = connection === "ended" || connection === "error";
  useEffect(() => {
    if (!stopped || !running || liveEnded) return;
    const delay = retryDelay.current;
    retryDelay.current = Math.min(delay * 2, MAX_RETRY_MS);
    const timer = setTimeout(() => setAttempt((n) => n + 1), delay);
    return () => clearTimeout(timer);
  }, [stopped, running, liveEnded, status]);

  useEffect(() => {
    if (!running) retryDelay.current = FIRST_RETRY_MS;
  }, [running]);

  useEffect(() => {
    if (!pausedRef.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [entries]);

  const shown = useMemo(() => {
    const needle = search.toLowerCase();
    return needle ? entries.filter((e) => !e.marker && e.text.toLowerCase().includes(needle)) : entries;
  }, [entries, search]);

  let message: string;
  if (connection === "connecting") message = attempt > 0 ? "Reconnecting…" : "Connecting…";
  else if (connection === "live") message = paused ? "Paused" : reconnected ? "Live again: the container is running; reconnected." : "Live";
  else if (liveEnded) message = `The stream ended: ${endReason || liveEnded}`;
  else if (hasLiveStream && !running) message = `The container is ${status}; the log continues here when it runs again.`;
  else if (connection === "ended") message = `The stream ended: ${endReason || "the container stopped."} Reconnecting when it runs…`;
  else message = "The log stream was lost; reconnecting…";

  return (
    <section aria-labelledby="logs-head">
      <h2 id="logs-head" className="visually-hidden">
        Logs
      </h2>
      <div className="toolbar">
        <button type="button" onClick={() => setPaused(!paused)} aria-pressed={paused}>
          {paused ? "Resume" : "Pause"}
        </button>
        <label className="checkbox">
          Tail
          <select value={tail} onChange={(e) => changeTail(Number(e.target.value))} aria-label="Lines to load">
            {[100, 200, 1000, 5000].map((n) => (
              <option key={n} value={n}>
                {n} lines
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={showTimestamps} onChange={(e) => setShowTimestamps(e.target.checked)} />
          Timestamps
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={wrap} onChange={(e) => setWrap(e.target.checked)} />
          Wrap lines
        </label>
        <input type="search" placeholder="Search" aria-label="Search logs" value={search} onChange={(e) => setSearch(e.target.value)} />
        <a className="button" href={`/api/v1/containers/${containerId}/logs?tail=10000&timestamps=true`} download={`logs-${containerId}.txt`}>
          Download
        </a>
        <span role="status" aria-live="polite" className="muted log-status">
          {message}
        </span>
      </div>
      <div ref={box} className={`logs ${wrap ? "wrap" : "nowrap"}`} tabIndex={0} aria-label="Log output">
        {shown.length === 0 ? (
          <span className="muted">{search ? "No line matches the search." : "No output yet."}</span>
        ) : (
          shown.map((e) =>
            e.marker ? (
              <div key={e.key} className="log-marker">
                ── {e.text} ──
              </div>
            ) : (
              <div key={e.key} className="log-line">
                {showTimestamps && e.ts && <span className="log-ts">{shortTimestamp(e.ts)} </span>}
                {e.text}
              </div>
            ),
          )
        )}
      </div>
    </section>
  );
}
