"use client";

import { useState } from "react";
import type { ChainVerification } from "@/lib/schemas/activity";
import { ActionMessage } from "@/components/form-bits";

/** What the signed checkpoints add to an intact chain, in words. */
function checkpointText({ checkpoints: c }: ChainVerification): string {
  if (!c.signingKey) return "No signing key is configured, so checkpoints cannot be checked.";
  // UTC, as the activity list shows times.
  const newest = c.newest ? `${c.newest.at.slice(0, 16).replace("T", " ")} UTC` : "";
  const count = `${c.checked} signed checkpoint${c.checked === 1 ? "" : "s"}`;
  const parts = [c.newest ? `${count} match${c.checked === 1 ? "es" : ""}; the newest is from ${newest}.` : "No checkpoint yet."];
  if (c.archive) parts.push(`Events up to #${c.archive.throughId} are archived in ${c.archive.file.split(" ")[0]}.`);
  return parts.join(" ");
}

/** Runs GET /api/v1/activity/verify and says what it found, naming the first broken event. */
export function VerifyChainButton() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const verify = async () => {
    setBusy(true);
    setResult(null);
    try {
      const res = await fetch("/api/v1/activity/verify", { cache: "no-store" });
      if (!res.ok) throw new Error(`the server answered ${res.status}`);
      const v = (await res.json()) as ChainVerification;
      const count = v.checked.toLocaleString("en");
      setResult(
        v.ok
          ? {
              ok: true,
              text: `Chain intact: ${count} events checked${v.unchained ? ` (${v.unchained} older events predate the chain)` : ""}. ${checkpointText(v)}`,
            }
          : {
              ok: false,
              text: `Chain broken${v.firstBrokenId ? ` at event #${v.firstBrokenId}` : ""}: ${v.problem ?? "it does not fit the chain"}. ${count} events checked.`,
            },
      );
    } catch (error) {
      setResult({ ok: false, text: `Could not verify: ${error instanceof Error ? error.message : "unknown error"}.` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="verify has-action-message">
      <button type="button" onClick={verify} disabled={busy}>
        {busy ? "Verifying…" : "Verify chain"}
      </button>
      <ActionMessage state={result ? { ok: result.ok, message: result.text } : {}} onDismiss={() => setResult(null)} />
    </div>
  );
}
