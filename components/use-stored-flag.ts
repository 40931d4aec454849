"use client";

import { useCallback, useSyncExternalStore } from "react";

// Writes in this tab notify through this event; other tabs through "storage".
const CHANGED = "berth:stored-flag";

function subscribe(listener: () => void) {
  window.addEventListener("storage", listener);
  window.addEventListener(CHANGED, listener);
  return () => {
    window.removeEventListener("storage", listener);
    window.removeEventListener(CHANGED, listener);
  };
}

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled: the default applies
  }
}

/**
 * A person's on/off choice kept in localStorage (a view setting, nothing the server needs).
 * The server renders the default; the stored choice applies right after hydration.
 */
export function useStoredFlag(key: string, fallback: boolean): [boolean, (value: boolean) => void] {
  const stored = useSyncExternalStore(
    subscribe,
    () => read(key),
    () => null,
  );
  const value = stored === null ? fallback : stored === "1";
  const set = useCallback(
    (next: boolean) => {
      try {
        window.localStorage.setItem(key, next ? "1" : "0");
      } catch {
        // storage disabled (private mode, a policy): the default stays
      }
      window.dispatchEvent(new Event(CHANGED));
    },
    [key],
  );
  return [value, set];
}
