"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { ActivityEventDto } from "@/lib/schemas/activity";
import { EmptyState } from "@/components/empty-state";

const POLL_MS = 3000;

/** "2026-11-28 14:30:05" (UTC, as the column says): absolute and the same on server and client (no hydration drift). */
function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

function actorLabel(e: ActivityEventDto): string {
  if (e.actor.type === "system") return "system";
  const who = e.actor.email ?? e.actor.id ?? "unknown";
  return e.actor.type === "token" ? `${who} (API token)` : who;
}

/**
 * The activity list: each event a disclosure that opens to everything recorded about it.
 * With live on (first page only) it asks for what is newer every few seconds and puts it on
 * top; the browser's scroll anchoring keeps what the reader is looking at in place, and the
 * status line has a fixed height, so nothing jumps.
 */
export function ActivityEvents({
  initial,
  tenantNames,
  query,
  liveCursor,
  filtered,
}: {
  initial: ActivityEventDto[];
  tenantNames: Record<string, string>;
  query: string;
  liveCursor?: string;
  filtered: boolean;
}) {
  const [events, setEvents] = useState(initial);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [live, setLive] = useState(liveCursor !== undefined);
  const [status, setStatus] = useState("");
  const cursor = useRef(liveCursor);

  useEffect(() => {
    if (!live || cursor.current === undefined) return;
    let stopped = false;
    const poll = async () => {
      try {
        const params = new URLSearchParams(query);
        params.set("after", cursor.current ?? "");
        params.set("limit", "100");
        const res = await fetch(`/api/v1/activity?${params}`, { cache: "no-store" });
        if (!res.ok) throw new Error(String(res.status));
        const page = (await res.json()) as { items: ActivityEventDto[]; newestCursor?: string };
        if (stopped) return;
        if (page.newestCursor) cursor.current = page.newestCursor;
        if (page.items.length) {
          setEvents((old) => {
            const known = new Set(old.map((e) => e.id));
            return [...page.items.filter((e) => !known.has(e.id)), ...old];
          });
          setFresh(new Set(page.items.map((e) => e.id)));
          setStatus(`${page.items.length} new event${page.items.length === 1 ? "" : "s"} at ${new Date().toISOString().slice(11, 19)} UTC`);
        }
      } catch {
        if (!stopped) setStatus("Live updates paused: the server did not answer. Retrying…");
      }
    };
    const timer = setInterval(poll, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [live, query]);

  return (
    <section aria-label="Events">
      <div className="live-bar">
        {liveCursor !== undefined ? (
          <label className="checkbox">
            <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live
          </label>
        ) : (
          <span className="muted">Older page: live updates are on the newest page.</span>
        )}
        <span className="muted" role="status" aria-live="polite">
          {live ? status || "Watching for new events" : ""}
        </span>
      </div>
      {events.length === 0 ? (
        filtered ? (
          <EmptyState title="No events match these filters">
            Widen the time range or <Link href="/activity">clear the filters</Link>.
          </EmptyState>
        ) : (
          <EmptyState title="No activity yet">Events appear here as people and the system act.</EmptyState>
        )
      ) : (
        <ol className="events">
          <li className="event-head" aria-hidden="true">
            <span>When (UTC)</span>
            <span>Outcome</span>
            <span>Action</span>
            <span>Who</span>
            <span>Target</span>
            <span>Tenant</span>
          </li>
          {events.map((e) => (
            <li key={e.id} className={`event ${e.outcome}${fresh.has(e.id) ? " fresh" : ""}`}>
              <details>
                <summary>
                  <span className="tabular">{utc(e.at)}</span>
                  <span>
                    <span className={`badge ${e.outcome === "allowed" ? "ok" : e.outcome === "denied" ? "danger" : "warn"}`}>{e.outcome}</span>
                  </span>
                  <code>{e.action}</code>
                  <span className="cut">{actorLabel(e)}</span>
                  <span className="cut">{e.target ?? "—"}</span>
                  <span className="cut">{e.tenantId ? (tenantNames[e.tenantId] ?? e.tenantId) : "—"}</span>
                  {e.reason && <span className="reason">{e.reason}</span>}
                </summary>
                <EventFacts e={e} tenantName={e.tenantId ? tenantNames[e.tenantId] : undefined} />
              </details>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function EventFacts({ e, tenantName }: { e: ActivityEventDto; tenantName?: string }) {
  const facts: [string, string | undefined][] = [
    ["Event", `#${e.id}`],
    ["Time", e.at],
    ["Actor", `${e.actor.type}${e.actor.id && e.actor.type !== "system" ? ` · ${e.actor.id}` : ""}${e.actor.email ? ` · ${e.actor.email}` : ""}`],
    ["Role", e.actor.role],
    ["Tenant", e.tenantId ? `${tenantName ?? ""} ${e.tenantId}`.trim() : undefined],
    ["Action", e.action],
    ["Target", e.target],
    ["Outcome", e.outcome],
    ["Reason", e.reason],
    ["Client address", e.ip],
    ["User agent", e.userAgent],
    ["Request id", e.requestId],
    ["Hash", e.hash],
  ];
  return (
    <div className="event-body">
      <dl className="facts">
        {facts
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <div key={k} style={{ display: "contents" }}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
      {e.details && (
        <>
          <h3>Details</h3>
          <pre className="event-details">{JSON.stringify(e.details, null, 2)}</pre>
        </>
      )}
    </div>
  );
}
