"use client";

import { useState, useTransition } from "react";
import { setNodeAvailabilityAction } from "@/lib/actions/nodes";
import { emptyFormState, type FormState } from "@/lib/forms/form-state";
import { ActionMessage } from "@/components/form-bits";

/**
 * Drain (asks first: it moves every container off the node) or Activate a Swarm node, with
 * the reason next to it when the engine refuses.
 */
export function NodeAvailabilityButton({
  nodeId,
  hostname,
  containers,
  drained,
}: {
  nodeId: string;
  hostname: string;
  containers: number;
  drained: boolean;
}) {
  const [state, setState] = useState<FormState>(emptyFormState);
  const [pending, startTransition] = useTransition();
  const moving = containers === 1 ? "its 1 container" : `its ${containers} containers`;
  return (
    <>
      <button
        type="button"
        className={drained ? undefined : "danger"}
        disabled={pending}
        aria-label={`${drained ? "Activate" : "Drain"} ${hostname}`}
        onClick={() => {
          if (!drained && !window.confirm(`Drain ${hostname}? The Swarm moves ${moving} to other eligible nodes and places nothing new there.`))
            return;
          startTransition(async () => setState(await setNodeAvailabilityAction(nodeId, drained ? "active" : "drain")));
        }}
      >
        {pending ? (drained ? "Activating…" : "Draining…") : drained ? "Activate" : "Drain"}
      </button>
      <ActionMessage state={state.ok ? emptyFormState : state} onDismiss={() => setState(emptyFormState)} placement="toast" />
    </>
  );
}
