"use client";

import { useRef, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import type { FieldError as ApiFieldError } from "@/lib/errors";
import type { PullProgress } from "@/lib/docker/images";
import { emptyFormState, type FormState } from "@/lib/forms/form-state";
import { splitCommand } from "@/lib/forms/split-command";
import type { CatalogImageDto } from "@/lib/schemas/image";
import { Field } from "@/components/field";
import { FormMessage } from "@/components/form-bits";
import { PullProgressView } from "@/components/pull-progress";

type PullLine =
  | ({ type: "progress" } & PullProgress)
  | { type: "done"; image: CatalogImageDto }
  | { type: "error"; error: { code: string; message: string; fields?: ApiFieldError[] } };

/** `defaultCommand[3]` belongs under the command field. */
function errorsByField(fields: ApiFieldError[]): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const f of fields) (errors[f.path.split(/[.[]/)[0] || "_form"] ??= []).push(f.message);
  return errors;
}

function stateFromError(error: { message: string; fields?: ApiFieldError[] }): FormState {
  if (error.fields?.length) return { message: "Check the highlighted fields.", errors: errorsByField(error.fields) };
  return { message: error.message };
}

/** The server's NDJSON answer, one parsed line at a time. */
async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<PullLine> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line) yield JSON.parse(line) as PullLine;
    }
  }
}

/** The request body from the form, or the fields the browser can already tell are wrong. */
function inputFrom(form: HTMLFormElement): { input: Record<string, unknown> } | { errors: Record<string, string[]> } {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? "").trim();
  const input: Record<string, unknown> = { ref: text("ref"), name: text("name") };
  if (text("description")) input.description = text("description");
  const port = text("defaultPort");
  // A non-number goes to the server as typed, so the one schema words the error.
  if (port) input.defaultPort = /^\d+$/.test(port) ? Number(port) : port;
  const command = splitCommand(text("defaultCommand"));
  if (!command.ok) return { errors: { defaultCommand: [command.error] } };
  if (command.args.length > 0) input.defaultCommand = command.args;
  return { input };
}

export function AddImageForm() {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [state, setState] = useState<FormState>(emptyFormState);
  const [pending, setPending] = useState(false);
  // The last snapshot stays on screen after the pull, so the admin sees what was fetched.
  const [progress, setProgress] = useState<PullProgress | null>(null);
  const [phase, setPhase] = useState<"pulling" | "done" | "failed">("pulling");
  const [pullingRef, setPullingRef] = useState("");

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const parsed = inputFrom(form);
    if ("errors" in parsed) {
      setState({ message: "Check the highlighted fields.", errors: parsed.errors });
      return;
    }
    setState(emptyFormState);
    setPending(true);
    setProgress(null);
    setPhase("pulling");
    setPullingRef(String(parsed.input.ref));
    try {
      const res = await fetch("/images/pull", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(parsed.input),
      });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
        setState(stateFromError(body?.error ?? { message: `Berth answered with status ${res.status}. Reload the page and try again.` }));
        return;
      }
      let finished = false;
      for await (const line of readLines(res.body)) {
        if (line.type === "progress") {
          const { type: _type, ...snapshot } = line;
          setProgress(snapshot);
        } else if (line.type === "done") {
          finished = true;
          setPhase("done");
          formRef.current?.reset();
          setState({ ok: true, message: `“${line.image.name}” (${line.image.ref}) was added to the catalog.` });
          router.refresh();
        } else {
          finished = true;
          setPhase("failed");
          setState(stateFromError(line.error));
        }
      }
      if (!finished) {
        setPhase("failed");
        setState({ message: "The answer stopped before the pull finished. Reload the page to see whether the image was added." });
      }
    } catch {
      setPhase("failed");
      setState({ message: "The connection to Berth was lost during the pull. Reload the page to see whether the image was added." });
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <form ref={formRef} onSubmit={submit} className="add-image" noValidate aria-label="Add image">
        <Field
          id="image-ref"
          className="wide"
          label="Image reference"
          hint="[registry[:port]/]name[:tag][@sha256:digest]; pulled to the host if it is not there"
          errors={state.errors?.ref}
        >
          {(control) => (
            <input {...control} name="ref" type="text" required autoComplete="off" spellCheck={false} placeholder="127.0.0.1:5000/team/app:1.0" />
          )}
        </Field>
        <Field id="image-name" label="Display name" errors={state.errors?.name}>
          {(control) => <input {...control} name="name" type="text" required />}
        </Field>
        <Field id="image-port" label="Default port" errors={state.errors?.defaultPort}>
          {(control) => <input {...control} name="defaultPort" type="text" inputMode="numeric" placeholder="none" />}
        </Field>
        <Field id="image-description" className="wide" label="Description" errors={state.errors?.description}>
          {(control) => <input {...control} name="description" type="text" />}
        </Field>
        <Field
          id="image-command"
          className="wide"
          label="Default command"
          hint="split on spaces; quote an argument that contains spaces. Empty: the image's own command"
          errors={state.errors?.defaultCommand}
        >
          {(control) => <input {...control} name="defaultCommand" type="text" spellCheck={false} placeholder={"sh -c 'echo ready; sleep 3600'"} />}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={pending}>
            {pending ? "Pulling…" : "Add image"}
          </button>
        </div>
      </form>
      {progress && <PullProgressView progress={progress} imageRef={pullingRef} phase={phase} />}
      {pending && !progress && (
        <p role="status" className="muted">
          Contacting the registry for {pullingRef}…
        </p>
      )}
      <FormMessage state={state} />
    </>
  );
}
