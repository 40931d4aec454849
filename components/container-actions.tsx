"use client";

import { useState, useTransition } from "react";
import { containerAction } from "@/lib/actions/containers";
import type { ContainerDto } from "@/lib/schemas/container";
import { emptyFormState, type FormState } from "@/lib/forms/form-state";
import { ActionMessage } from "@/components/form-bits";
import { useLiveContainer } from "@/components/live-containers";

type Change = "start" | "stop" | "restart" | "remove";

export function ContainerActions({ containerId, name, status: rendered }: { containerId: string; name: string; status: ContainerDto["status"] }) {
  // Start or Stop follows the live status: a container stopped from elsewhere offers Start.
  const { status } = useLiveContainer({ id: containerId, status: rendered });
  const [state, setState] = useState<FormState>(emptyFormState);
  const [pending, startTransition] = useTransition();
  const [busy, setBusy] = useState<Change | null>(null);
  const run = (change: Change) => {
    if (change === "remove" && !window.confirm(`Remove the container “${name}”? It is stopped and deleted; its volumes and their data are kept.`))
      return;
    setBusy(change);
    startTransition(async () => {
      setState(await containerAction(containerId, change));
      setBusy(null);
    });
  };
  const running = status === "running" || status === "restarting";
  const label = (change: Change, idle: string, active: string) => (pending && busy === change ? active : idle);
  return (
    <div className="has-action-message">
      <div className="actions">
        {!running && (
          <button type="button" onClick={() => run("start")} disabled={pending}>
            {label("start", "Start", "Starting…")}
          </button>
        )}
        {running && (
          <button type="button" onClick={() => run("stop")} disabled={pending}>
            {label("stop", "Stop", "Stopping…")}
          </button>
        )}
        <button type="button" onClick={() => run("restart")} disabled={pending}>
          {label("restart", "Restart", "Restarting…")}
        </button>
        <button type="button" className="danger" onClick={() => run("remove")} disabled={pending}>
          {label("remove", "Remove", "Removing…")}
        </button>
      </div>
      <ActionMessage state={state.ok ? emptyFormState : state} onDismiss={() => setState(emptyFormState)} />
    </div>
  );
}
