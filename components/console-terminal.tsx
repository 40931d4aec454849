"use client";

import "@xterm/xterm/css/xterm.css";
import type { FitAddon } from "@xterm/addon-fit";
import type { Terminal } from "@xterm/xterm";
import { useCallback, useEffect, useRef, useState } from "react";
import { startConsole, type StartConsoleResult } from "@/lib/actions/console";
import { CONSOLE_CLOSE } from "@/lib/schemas/console";

type Phase = { kind: "connecting" } | { kind: "connected" } | { kind: "ended"; reason: string } | { kind: "refused"; error: string };

const ENDED_BY: Record<number, string> = {
  [CONSOLE_CLOSE.shellExited]: "The shell exited.",
  [CONSOLE_CLOSE.idle]: "The session was idle for too long and was closed.",
  [CONSOLE_CLOSE.accessEnded]: "Your access to this container ended.",
  [CONSOLE_CLOSE.maxLength]: "The session reached its maximum length.",
  [CONSOLE_CLOSE.containerStopped]: "The container stopped.",
};

/** The sizes the session API accepts (lib/schemas/console.ts); a narrower screen still gets a usable shell. */
const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(n)));
const sizeOf = (term: Terminal) => ({ cols: clamp(term.cols, 20, 500), rows: clamp(term.rows, 5, 200) });

/**
 * A terminal in the running container (xterm.js). Every connection takes a fresh single-use
 * ticket from startConsole; the socket carries raw terminal bytes both ways as binary frames,
 * untouched, so full-screen programs (vi, top) draw as in any terminal, and a text frame
 * tells the server the new size whenever the fit addon changes it.
 */
export function ConsoleTerminal({ containerId }: { containerId: string }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const xtermRef = useRef<{ term: Terminal; fit: FitAddon } | null>(null);
  const socketRef = useRef<WebSocket | null>(null);
  // Each connect() bumps it, so a ticket that arrives after a newer attempt is dropped (and after unmount: the terminal is gone).
  const attemptRef = useRef(0);
  const endedByUserRef = useRef(false);
  const [phase, setPhase] = useState<Phase>({ kind: "connecting" });
  const [size, setSize] = useState<{ cols: number; rows: number } | null>(null);
  const reconnectRef = useRef<HTMLButtonElement>(null);

  // The keyboard was the terminal's: when the session ends, it goes to Reconnect (Enter starts a new one).
  useEffect(() => {
    if ((phase.kind === "ended" || phase.kind === "refused") && hostRef.current?.contains(document.activeElement)) reconnectRef.current?.focus();
  }, [phase.kind]);

  const connect = useCallback(async () => {
    const xterm = xtermRef.current;
    if (!xterm) return;
    const attempt = ++attemptRef.current;
    const previous = socketRef.current;
    socketRef.current = null;
    previous?.close();
    endedByUserRef.current = false;
    setPhase({ kind: "connecting" });
    xterm.fit.fit();
    const { cols, rows } = sizeOf(xterm.term);
    const result: StartConsoleResult = await startConsole(containerId, cols, rows).catch(() => ({
      ok: false,
      error: "The console could not be started: the portal did not answer. Check your connection and try again.",
    }));
    if (attempt !== attemptRef.current || xtermRef.current !== xterm) return;
    if (!result.ok) {
      setPhase({ kind: "refused", error: result.error });
      return;
    }
    const { term } = xterm;
    // A new shell: the previous session's screen (kept visible while ended) would only mislead.
    term.reset();
    term.options.disableStdin = false;
    const socket = new WebSocket(result.url);
    socket.binaryType = "arraybuffer";
    socketRef.current = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      setPhase({ kind: "connected" });
      // The fit may have changed while the ticket was on its way.
      xterm.fit.fit();
      socket.send(JSON.stringify({ type: "resize", ...sizeOf(term) }));
      term.focus();
    };
    socket.onmessage = (event) => {
      if (event.data instanceof ArrayBuffer) term.write(new Uint8Array(event.data));
    };
    socket.onclose = (event) => {
      if (socketRef.current !== socket) return;
      socketRef.current = null;
      term.options.disableStdin = true;
      const reason = endedByUserRef.current
        ? "You ended the session."
        : !opened
          ? // Refused before the upgrade (an HTTP error, which browsers do not show to scripts).
            "The console could not connect: the ticket was refused or the server could not be reached."
          : (ENDED_BY[event.code] ?? "The connection was lost.");
      setPhase({ kind: "ended", reason });
    };
  }, [containerId]);

  useEffect(() => {
    let disposed = false;
    let frame = 0;
    let observer: ResizeObserver | undefined;
    let onWindowResize: (() => void) | undefined;
    // xterm touches `window` when loaded: import it in the browser only, not while the page renders on the server.
    void Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit")]).then(([{ Terminal }, { FitAddon }]) => {
      const host = hostRef.current;
      if (disposed || !host) return;
      const term = new Terminal({
        cursorBlink: true,
        fontFamily: 'ui-monospace, SFMono-Regular, Menlo, "DejaVu Sans Mono", "Liberation Mono", monospace',
        fontSize: 13,
        scrollback: 5000,
        disableStdin: true,
        theme: { background: "#0f1419", foreground: "#d6dde4", cursor: "#d6dde4", selectionBackground: "#3a5a85" },
      });
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.open(host);
      xtermRef.current = { term, fit };
      const send = (bytes: Uint8Array) => {
        const socket = socketRef.current;
        if (socket?.readyState === WebSocket.OPEN) socket.send(bytes);
      };
      const encoder = new TextEncoder();
      term.onData((data) => send(encoder.encode(data)));
      // Some mouse reports are bytes above 0x7f that must not be re-encoded as UTF-8.
      term.onBinary((data) => send(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
      term.onResize(() => {
        const next = sizeOf(term);
        setSize(next);
        const socket = socketRef.current;
        if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "resize", ...next }));
      });
      term.attachCustomKeyEventHandler((event) => {
        // Ctrl+C, Ctrl+V and the rest belong to the shell (interrupt, literal next); copy and paste
        // take Shift as in desktop terminals. Ctrl+Shift+C would otherwise open the browser's inspector.
        if (event.type !== "keydown" || !event.ctrlKey || !event.shiftKey || event.altKey || event.metaKey) return true;
        if (event.code === "KeyC") {
          event.preventDefault();
          if (term.hasSelection()) copyText(term.getSelection());
          return false;
        }
        // Not handled here and not prevented: the browser pastes into xterm's input, which sends it on (bracketed if asked).
        if (event.code === "KeyV") return false;
        return true;
      });
      fit.fit();
      setSize(sizeOf(term));
      // One fit per frame however many size changes arrive (sidebar, window, rotation).
      const refit = () => {
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(() => {
          if (!disposed) fit.fit();
        });
      };
      observer = new ResizeObserver(refit);
      observer.observe(host);
      onWindowResize = refit;
      window.addEventListener("resize", onWindowResize);
      void connect();
    });
    return () => {
      disposed = true;
      cancelAnimationFrame(frame);
      observer?.disconnect();
      if (onWindowResize) window.removeEventListener("resize", onWindowResize);
      const socket = socketRef.current;
      socketRef.current = null;
      socket?.close();
      xtermRef.current?.term.dispose();
      xtermRef.current = null;
    };
  }, [connect]);

  const endSession = () => {
    endedByUserRef.current = true;
    socketRef.current?.close(1000);
  };
  const focusTerminal = () => xtermRef.current?.term.focus();

  const status =
    phase.kind === "connecting"
      ? "Connecting…"
      : phase.kind === "connected"
        ? "Connected"
        : phase.kind === "ended"
          ? `Session ended. ${phase.reason}`
          : "Not connected.";

  return (
    <section className={`console console-${phase.kind}`} aria-labelledby="console-head">
      <h2 id="console-head" className="visually-hidden">
        Console
      </h2>
      <div className="toolbar console-bar">
        <span role="status" aria-live="polite" className={phase.kind === "connected" ? "console-live" : undefined}>
          {status}
        </span>
        {size && (
          <span className="muted tabular" title="Terminal size (columns × rows)">
            {size.cols} × {size.rows}
          </span>
        )}
        <span className="muted console-keys">Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes.</span>
        {phase.kind === "connected" && (
          <button type="button" onClick={endSession}>
            End session
          </button>
        )}
        {(phase.kind === "ended" || phase.kind === "refused") && (
          <button ref={reconnectRef} type="button" className="primary" onClick={() => void connect()}>
            Reconnect
          </button>
        )}
      </div>
      {phase.kind === "refused" && (
        <p className="form-message error console-error" role="alert">
          {phase.error}
        </p>
      )}
      {/* The terminal keeps the keyboard: a click anywhere on it (padding included) gives it focus back. */}
      <div className="console-screen" onClick={focusTerminal}>
        <div ref={hostRef} className="console-host" />
      </div>
    </section>
  );
}

/**
 * Inside the key press the copy command works on the plain-http listener too (xterm's copy
 * listener fills in its selection); the clipboard API, which needs a secure context, is the fallback.
 */
function copyText(text: string) {
  if (document.execCommand("copy")) return;
  navigator.clipboard?.writeText(text).catch(() => undefined);
}
