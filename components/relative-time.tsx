"use client";

import { useSyncExternalStore } from "react";

/**
 * One clock for every relative time on the page: a single timer, running only while some
 * time is shown. Each time re-renders only when its own words change ("5 seconds ago" →
 * "6 seconds ago" every second, "3 hours ago" once an hour).
 */
const TICK_MS = 1000;
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
let clockNow = Date.now();

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    clockNow = Date.now();
    timer = setInterval(() => {
      clockNow = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];
const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "3 hours ago", "in 5 days", "now". */
export function relativeWords(iso: string, now: number): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const [unit, size] = UNITS.find(([, s]) => Math.abs(seconds) >= s) ?? ["second", 1];
  return rtf.format(Math.round(seconds / size), unit);
}

/** "3 hours ago", with the exact time on hover (ui.md); it keeps itself current. */
export function RelativeTime({ iso }: { iso: string | null }) {
  const words = useSyncExternalStore(
    subscribe,
    () => (iso ? relativeWords(iso, clockNow) : ""),
    () => (iso ? relativeWords(iso, Date.now()) : ""),
  );
  if (!iso) return <span className="muted">never</span>;
  // The server's words and the browser's first ones can be a second apart; the browser's win
  // right after hydration, so the difference is not an error.
  return (
    <time dateTime={iso} title={new Date(iso).toUTCString()} suppressHydrationWarning>
      {words}
    </time>
  );
}
