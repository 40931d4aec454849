"use client";

import { useEffect, useMemo, useRef, useState } from "react";

const MAX_LINES = 5000;

/**
 * Live tail over Server-Sent Events from the API's logs endpoint (the session cookie is
 * accepted for reads). Pausing keeps the stream but stops the view from scrolling.
 */
export function LogViewer({ containerId }: { containerId: string }) {
  const [lines, setLines] = useState<string[]>([]);
  const [tail, setTail] = useState(200);
  const [paused, setPaused] = useState(false);
  const [search, setSearch] = useState("");
  const [state, setState] = useState<"connecting" | "live" | "ended" | "error">("connecting");
  // Why the server ended the stream (the container stopped, or your access ended).
  const [endReason, setEndReason] = useState("");
  const box = useRef<HTMLDivElement>(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    setLines([]);
    setState("connecting");
    setEndReason("");
    const source = new EventSource(`/api/v1/containers/${containerId}/logs?follow=true&tail=${tail}`);
    source.onopen = () => setState("live");
    source.onmessage = (event) => setLines((prev) => [...prev, event.data].slice(-MAX_LINES));
    source.addEventListener("end", (event) => {
      setEndReason(event.data);
      setState("ended");
      source.close();
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) setState("error");
    };
    return () => source.close();
  }, [containerId, tail]);

  useEffect(() => {
    if (!pausedRef.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines]);

  const shown = useMemo(() => (search ? lines.filter((l) => l.toLowerCase().includes(search.toLowerCase())) : lines), [lines, search]);
  const status = {
    connecting: "Connecting…",
    live: paused ? "Paused" : "Live",
    ended: `The stream ended: ${endReason || "the container stopped; the log ends here."}`,
    error: "The log stream was lost; reload to reconnect.",
  }[state];

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
          <select value={tail} onChange={(e) => setTail(Number(e.target.value))} aria-label="Lines to load">
            {[100, 200, 1000, 5000].map((n) => (
              <option key={n} value={n}>
                {n} lines
              </option>
            ))}
          </select>
        </label>
        <input type="search" placeholder="Search" aria-label="Search logs" value={search} onChange={(e) => setSearch(e.target.value)} />
        <a className="button" href={`/api/v1/containers/${containerId}/logs?tail=10000&timestamps=true`} download={`logs-${containerId}.txt`}>
          Download
        </a>
        <span role="status" aria-live="polite" className="muted">
          {status}
        </span>
      </div>
      <div ref={box} className="logs" tabIndex={0} aria-label="Log output">
        {shown.length === 0 ? <span className="muted">{search ? "No line matches the search." : "No output yet."}</span> : shown.join("\n")}
      </div>
    </section>
  );
}
