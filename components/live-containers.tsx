"use client";

import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import type { ContainerState } from "@/lib/schemas/container";

interface Live {
  states: Record<string, ContainerState>;
  /** Why the server ended the stream (access ended, the container removed); null while it is open. */
  ended: string | null;
}

const LiveContext = createContext<Live | null>(null);

const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 30_000;
const REFRESH_DEBOUNCE_MS = 400;

/**
 * One live stream per page (GET /api/v1/tenants/{id}/containers/states, with the session
 * cookie) for the containers the page shows: the statuses, health and actions below read it
 * through `useLiveContainer`. `initial` is what the server rendered; a later server render
 * (after an action, or a refresh) replaces it, and the stream's changes apply on top. A
 * container the page does not list yet (launched elsewhere) or one that is gone makes the page
 * render again on the server, so rows come and go without a reload.
 */
export function LiveContainers({
  tenantId,
  containerId,
  initial,
  children,
}: {
  tenantId: string;
  containerId?: string;
  initial: ContainerState[];
  children: ReactNode;
}) {
  const router = useRouter();
  const initialKey = JSON.stringify(initial);
  const [live, setLive] = useState<Live>(() => ({ states: byId(initial), ended: null }));
  const listed = useRef(new Set(initial.map((s) => s.id)));
  // Each unknown id refreshes the page once: a container the server does not list (another
  // tenant's view of it, a race) must not refresh it over and over.
  const refreshedFor = useRef(new Set<string>());
  // The states as last shown, to tell a change from the snapshot the stream opens with.
  const shown = useRef(byId(initial));

  useEffect(() => {
    const fresh: ContainerState[] = JSON.parse(initialKey);
    listed.current = new Set(fresh.map((s) => s.id));
    shown.current = { ...shown.current, ...byId(fresh) };
    setLive((prev) => ({ ...prev, states: { ...prev.states, ...byId(fresh) } }));
  }, [initialKey]);

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let delay = FIRST_RETRY_MS;
    let stopped = false;
    let refresh: ReturnType<typeof setTimeout> | undefined;
    // Changes that come together (a restart's stop and start, several containers) re-render once.
    const refreshSoon = () => {
      clearTimeout(refresh);
      refresh = setTimeout(() => router.refresh(), REFRESH_DEBOUNCE_MS);
    };
    const url = `/api/v1/tenants/${encodeURIComponent(tenantId)}/containers/states${containerId ? `?containerId=${encodeURIComponent(containerId)}` : ""}`;
    const connect = () => {
      const es = new EventSource(url);
      source = es;
      es.onopen = () => {
        delay = FIRST_RETRY_MS;
        setLive((prev) => (prev.ended ? { ...prev, ended: null } : prev));
      };
      es.addEventListener("state", (event) => {
        const state = JSON.parse(event.data) as ContainerState;
        const before = shown.current[state.id];
        shown.current = { ...shown.current, [state.id]: state };
        setLive((prev) => ({ ...prev, states: { ...prev.states, [state.id]: state } }));
        if (!listed.current.has(state.id)) {
          if (!refreshedFor.current.has(state.id)) {
            refreshedFor.current.add(state.id);
            refreshSoon();
          }
        } else if (before && JSON.stringify(before) !== JSON.stringify(state)) {
          // What the server renders around the statuses follows them: usage (a stopped
          // container holds no memory or CPU), the activity list, the overview's settings.
          refreshSoon();
        }
      });
      es.addEventListener("removed", (event) => {
        const { id } = JSON.parse(event.data) as { id: string };
        if (listed.current.has(id)) refreshSoon();
      });
      es.addEventListener("end", (event) => {
        es.close();
        setLive((prev) => ({ ...prev, ended: event.data || "Live updates ended." }));
      });
      es.onerror = () => {
        // The browser reconnects by itself after a dropped connection; a refused one (429 past
        // the stream limit, 503 with the engine down) is closed for good: try again later.
        if (es.readyState !== EventSource.CLOSED || stopped) return;
        retry = setTimeout(connect, delay);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      clearTimeout(refresh);
      source?.close();
    };
  }, [tenantId, containerId, router]);

  return (
    <LiveContext.Provider value={live}>
      {live.ended && (
        <p className="banner warn" role="status">
          Live updates stopped: {live.ended} Reload the page to see the current state.
        </p>
      )}
      {children}
    </LiveContext.Provider>
  );
}

function byId(states: ContainerState[]): Record<string, ContainerState> {
  return Object.fromEntries(states.map((s) => [s.id, s]));
}

/** The container as the page's live stream last saw it, else as the server rendered it. */
export function useLiveContainer<T extends Pick<ContainerState, "id" | "status" | "exitCode" | "oomKilled" | "health">>(container: T): T {
  const state = useContext(LiveContext)?.states[container.id];
  if (!state) return container;
  return { ...container, status: state.status, exitCode: state.exitCode, oomKilled: state.oomKilled, health: state.health };
}

/** Why the page's live stream ended (null while it is open, or with no stream on the page). */
export function useLiveEnded(): string | null {
  return useContext(LiveContext)?.ended ?? null;
}

/** Whether a live stream feeds this part of the page. */
export function useHasLiveStream(): boolean {
  return useContext(LiveContext) !== null;
}
