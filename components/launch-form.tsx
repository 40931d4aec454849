"use client";

import { useActionState, useEffect, useMemo, useReducer, useRef, useTransition } from "react";
import { launchAction, updateContainerAction } from "@/lib/actions/containers";
import { emptyFormState } from "@/lib/forms/form-state";
import { launchErrors } from "@/lib/forms/launch-errors";
import { splitCommand } from "@/lib/forms/split-command";
// The specific policy files, not the index: only these constants reach the browser bundle.
import { ON_FAILURE_MAX_RETRIES } from "@/lib/policy/build-create-options";
import { DEFAULT_LIMITS } from "@/lib/policy/tenant-context";
import { formatCpu } from "@/lib/quota/format";
import type { LaunchOptions } from "@/lib/services/launch-options";
import { Field } from "@/components/field";
import { FieldError, FormMessage } from "@/components/form-bits";
import {
  initialLaunchFormState,
  launchFormReducer,
  toEditRequest,
  toLaunchRequest,
  type LaunchFormState,
  type RestartChoice,
} from "@/components/launch-form-state";

/**
 * A slider's upper end: the per-container maximum, lowered to what the quota has left, but
 * never below the smallest launch; a request above what is left is refused by the server
 * with the quota error, which names the numbers.
 */
function sliderMax(perContainer: number, left: number, smallest: number): number {
  return Math.max(smallest, Math.min(perContainer, left));
}

/**
 * The launch form; with `edit`, the same form edits and redeploys that container (its name and
 * volumes stay, env values left blank keep the current ones). `initial` pre-fills it (an edit,
 * or a duplicate of another container).
 */
export function LaunchForm({ options, initial, edit }: { options: LaunchOptions; initial?: LaunchFormState; edit?: { containerId: string } }) {
  const first = options.images[0];
  const { quota, left } = options;
  const memoryMax = sliderMax(options.maxMemoryMb, left.memoryMb, 16);
  const cpuMax = sliderMax(options.maxCpuMillis, left.cpuMillis, 50);
  const [form, dispatch] = useReducer(
    launchFormReducer,
    undefined,
    () => initial ?? initialLaunchFormState(first, Math.min(128, memoryMax), Math.min(500, cpuMax)),
  );
  const { name, command, env, ports, volumes, memoryMb, cpuMillis, readOnlyRootfs, restart } = form;
  const image = options.images.find((i) => i.id === form.imageId) ?? first;
  const [state, action, pending] = useActionState(
    edit ? updateContainerAction.bind(null, edit.containerId) : launchAction.bind(null, options.tenant.id),
    emptyFormState,
  );
  const [, startTransition] = useTransition();
  const { byField: errors, placed } = useMemo(() => launchErrors(state.errors), [state.errors]);
  /** Marks a row's control invalid when an error is about that row (and, given `parts`, about that part of it). */
  const badRow = (field: string, row: number | string, parts?: (string | undefined)[]) =>
    placed.some((p) => p.field === field && p.row === row && (!parts || parts.includes(p.part))) || undefined;
  const formRef = useRef<HTMLFormElement>(null);
  // After an error, take the person to the first field that needs them (in the page's order),
  // with what they typed still in it. Keyed on the state object: each answer is a new one.
  useEffect(() => {
    if (state.ok || (!state.errors && !state.message)) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (!first) return;
    first.scrollIntoView({ block: "center" });
    first.focus({ preventScroll: true });
  }, [state]);
  // A launch adds a container; with none left it can only be refused, so say so before it is tried.
  // An edit replaces one and needs none.
  const noneLeft = !edit && left.containers <= 0;
  const split = useMemo(() => splitCommand(command), [command]);

  const pickImage = (id: string) => {
    const next = options.images.find((i) => i.id === id);
    if (next) dispatch({ type: "pickImage", image: next });
  };

  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    // Submitted by hand (not <form action>) so React does not reset the form after an error.
    event.preventDefault();
    const data = new FormData();
    const args = command.trim() && split.ok ? split.args : undefined;
    data.set("request", JSON.stringify(edit ? toEditRequest(form, args) : toLaunchRequest(form, args)));
    startTransition(() => action(data));
  };

  const enforce = [
    `runs as uid ${options.uid}, never root`,
    "no capabilities, no privilege escalation",
    readOnlyRootfs ? "read-only root filesystem, writable /tmp" : "writable root filesystem",
    `${memoryMb} MB memory, no swap`,
    `${formatCpu(cpuMillis)} CPU, at most ${DEFAULT_LIMITS.pids} processes`,
    `network ${options.network}${options.allowOutbound ? "" : " (no outbound traffic)"}`,
    `ports published on ${options.publishAddress} only`,
  ];

  return (
    <form ref={formRef} onSubmit={submit} className="launch" noValidate aria-label={edit ? `Edit ${name}` : "Launch a container"}>
      <div style={{ display: "grid", gap: 18 }}>
        <fieldset>
          <legend>Image</legend>
          <div className="image-cards" role="radiogroup" aria-label="Image">
            {options.images.map((i) => (
              <label key={i.id} className="image-card">
                <input
                  type="radio"
                  name="image"
                  value={i.id}
                  checked={i.id === form.imageId}
                  onChange={() => pickImage(i.id)}
                  aria-describedby={`img-${i.id} image-error`}
                  aria-invalid={(i.id === form.imageId && !!errors.imageId) || undefined}
                />
                <strong>{i.name}</strong>
                <small id={`img-${i.id}`}>
                  {i.description || i.ref}
                  {i.defaultPort ? ` · port ${i.defaultPort}` : ""}
                </small>
              </label>
            ))}
          </div>
          <FieldError id="image-error" errors={[...(errors.imageId ?? []), ...(errors.image ?? [])]} />
        </fieldset>

        <Field
          id="launch-name"
          label="Name"
          hint={
            edit
              ? "An edit keeps the name (and the app's address); duplicate the container to run it under another name."
              : "Lowercase letters, digits and dashes. Other containers of this tenant reach it by this name."
          }
          errors={errors.name}
        >
          {(control) => (
            <input
              {...control}
              type="text"
              readOnly={!!edit}
              value={name}
              onChange={(e) => dispatch({ type: "setName", name: e.target.value })}
              placeholder="web"
              required
            />
          )}
        </Field>

        <Field
          id="launch-command"
          label="Command"
          hint="Run as is, without a shell; quote arguments that contain spaces. Empty uses the image's default."
          errors={[...(split.ok ? [] : [split.error]), ...(errors.command ?? [])]}
        >
          {(control) => (
            <input {...control} type="text" value={command} onChange={(e) => dispatch({ type: "setCommand", command: e.target.value })} />
          )}
        </Field>

        <fieldset>
          <legend>Environment variables</legend>
          <div className="rows">
            {env.map((row, i) => (
              <div className="row" key={i}>
                <input
                  type="text"
                  aria-label={`Variable ${i + 1} name`}
                  aria-invalid={badRow("env", row.key) || undefined}
                  aria-describedby="env-error"
                  placeholder="NAME"
                  value={row.key}
                  onChange={(e) => dispatch({ type: "editEnv", index: i, change: { key: e.target.value } })}
                />
                <input
                  type={row.masked ? "password" : "text"}
                  aria-label={`Variable ${i + 1} value`}
                  placeholder={row.keep ? "unchanged (type to replace)" : "value"}
                  value={row.value}
                  autoComplete="off"
                  onFocus={() => dispatch({ type: "editEnv", index: i, change: { masked: false } })}
                  onBlur={() => dispatch({ type: "editEnv", index: i, change: { masked: row.value !== "" } })}
                  onChange={(e) => dispatch({ type: "editEnv", index: i, change: { value: e.target.value } })}
                />
                <button type="button" onClick={() => dispatch({ type: "removeEnv", index: i })} aria-label={`Remove variable ${i + 1}`}>
                  Remove
                </button>
              </div>
            ))}
            <div>
              <button type="button" onClick={() => dispatch({ type: "addEnv" })}>
                Add variable
              </button>
            </div>
          </div>
          {edit && env.some((r) => r.keep) && (
            <p className="muted" style={{ margin: "6px 0 0", fontSize: 12 }}>
              Values are never shown again. Leave one blank to keep the value the container has now.
            </p>
          )}
          <FieldError id="env-error" errors={errors.env} />
        </fieldset>

        <Field
          id="launch-ports"
          label="Container ports"
          hint="A port like 8080 is served over HTTPS at the app's own address; 5432/tcp or 5353/udp gets a raw host port for what is not a web app."
          errors={errors.ports}
        >
          {(control) => (
            <input
              {...control}
              type="text"
              value={ports}
              onChange={(e) => dispatch({ type: "setPorts", ports: e.target.value })}
              placeholder="8080, 5432/tcp"
            />
          )}
        </Field>

        <fieldset>
          <legend>Volumes</legend>
          {edit ? (
            <p style={{ margin: 0 }}>
              {volumes.length ? (
                volumes.map((v) => `${v.volume} → ${v.path}${v.readOnly ? " (read-only)" : ""}`).join(", ")
              ) : (
                <span className="muted">none</span>
              )}{" "}
              <span className="muted">(an edit keeps the volumes and their data)</span>
            </p>
          ) : (
            <div className="rows">
              {volumes.map((row, i) => (
                <div className="row" key={i}>
                  <select
                    aria-label={`Volume ${i + 1}`}
                    aria-invalid={(row.volume !== "" && badRow("volumes", i, ["volume"])) || undefined}
                    aria-describedby="volumes-error"
                    value={row.volume}
                    onChange={(e) => dispatch({ type: "editVolume", index: i, change: { volume: e.target.value } })}
                  >
                    {options.volumes.map((v) => (
                      <option key={v} value={v}>
                        {v}
                      </option>
                    ))}
                    {options.canCreateVolumes && <option value="">new volume…</option>}
                  </select>
                  {!row.volume && (
                    <input
                      type="text"
                      aria-label={`New volume ${i + 1} name`}
                      aria-invalid={badRow("volumes", i, ["volume", "create"])}
                      aria-describedby="volumes-error"
                      placeholder="data"
                      value={row.newName}
                      onChange={(e) => dispatch({ type: "editVolume", index: i, change: { newName: e.target.value } })}
                    />
                  )}
                  <input
                    type="text"
                    aria-label={`Volume ${i + 1} mount path`}
                    aria-invalid={badRow("volumes", i, ["path", undefined])}
                    aria-describedby="volumes-error"
                    placeholder="/data"
                    value={row.path}
                    onChange={(e) => dispatch({ type: "editVolume", index: i, change: { path: e.target.value } })}
                  />
                  <label className="checkbox">
                    <input
                      type="checkbox"
                      checked={row.readOnly}
                      onChange={(e) => dispatch({ type: "editVolume", index: i, change: { readOnly: e.target.checked } })}
                    />
                    read-only
                  </label>
                  <button type="button" onClick={() => dispatch({ type: "removeVolume", index: i })} aria-label={`Remove volume ${i + 1}`}>
                    Remove
                  </button>
                </div>
              ))}
              {options.volumes.length === 0 && !options.canCreateVolumes ? (
                <p className="muted" style={{ margin: 0 }}>
                  This tenant has no volumes; an owner can create them.
                </p>
              ) : (
                <div>
                  <button type="button" onClick={() => dispatch({ type: "addVolume", volume: options.volumes[0] ?? "" })}>
                    Add volume
                  </button>
                </div>
              )}
            </div>
          )}
          <FieldError id="volumes-error" errors={errors.volumes} />
        </fieldset>

        <Field
          id="launch-memory"
          label={
            <>
              Memory: <span className="tabular">{memoryMb} MB</span>
            </>
          }
          hint={
            <>
              Up to {options.maxMemoryMb} MB per container ·{" "}
              <span className="quota-left">
                {left.memoryMb} of {quota.maxMemoryMb} MB left
              </span>
            </>
          }
          errors={errors.memoryMb}
        >
          {(control) => (
            <input
              {...control}
              type="range"
              min={16}
              max={memoryMax}
              step={16}
              value={memoryMb}
              onChange={(e) => dispatch({ type: "setMemory", memoryMb: Number(e.target.value) })}
            />
          )}
        </Field>
        <Field
          id="launch-cpu"
          label={
            <>
              CPU: <span className="tabular">{formatCpu(cpuMillis)}</span>
            </>
          }
          hint={
            <>
              Up to {formatCpu(options.maxCpuMillis)} CPU per container ·{" "}
              <span className="quota-left">
                {formatCpu(left.cpuMillis)} of {formatCpu(quota.maxCpuMillis)} CPU left
              </span>
            </>
          }
          errors={errors.cpuMillis}
        >
          {(control) => (
            <input
              {...control}
              type="range"
              min={50}
              max={cpuMax}
              step={50}
              value={cpuMillis}
              onChange={(e) => dispatch({ type: "setCpu", cpuMillis: Number(e.target.value) })}
            />
          )}
        </Field>

        {options.allowWritableRootfs && (
          <label className="checkbox">
            <input
              type="checkbox"
              aria-invalid={!!errors.readOnlyRootfs || undefined}
              checked={!readOnlyRootfs}
              onChange={(e) => dispatch({ type: "setReadOnlyRootfs", readOnlyRootfs: !e.target.checked })}
            />
            Writable root filesystem (this tenant&apos;s policy allows it)
          </label>
        )}
        <FieldError id="rootfs-error" errors={errors.readOnlyRootfs} />

        <Field id="launch-restart" label="Restart policy" errors={errors.restart}>
          {(control) => (
            <select {...control} value={restart} onChange={(e) => dispatch({ type: "setRestart", restart: e.target.value as RestartChoice })}>
              <option value="no">never restart</option>
              <option value="on-failure">{`restart on failure (up to ${ON_FAILURE_MAX_RETRIES} times)`}</option>
            </select>
          )}
        </Field>

        <p className="launch-quota hint" aria-label="Quota left">
          {!edit && (
            <span className={left.containers === 0 ? "over" : undefined}>
              {left.containers} of {quota.maxContainers} containers left
            </span>
          )}
          <span className={left.memoryMb < memoryMb ? "over" : undefined}>
            {left.memoryMb} of {quota.maxMemoryMb} MB left
          </span>
          <span className={left.cpuMillis < cpuMillis ? "over" : undefined}>
            {formatCpu(left.cpuMillis)} of {formatCpu(quota.maxCpuMillis)} CPU left
          </span>
          {/* An edit needs only the difference: what the container holds now counts as left (lib/services/launch-options.ts). */}
          {edit && <span>(counting what this container holds now)</span>}
        </p>
        <FormMessage state={state} />
        <FieldError id="form-error" errors={errors._form} />
        {noneLeft && (
          <p id="launch-none-left" className="form-message error">
            This tenant has used all {quota.maxContainers} of its containers, so nothing more can be launched. Remove one of its containers, or ask an
            administrator for a bigger quota.
          </p>
        )}
        <div>
          <button
            type="submit"
            className="primary"
            disabled={pending || !split.ok || noneLeft}
            aria-describedby={noneLeft ? "launch-none-left" : undefined}
          >
            {edit ? (pending ? "Redeploying…" : "Save and redeploy") : pending ? "Launching…" : "Launch"}
          </button>
        </div>
      </div>

      <aside className="panel enforce" aria-labelledby="enforce-head">
        <h2 id="enforce-head">What Berth will enforce</h2>
        <p className="muted" style={{ marginTop: 0 }}>
          {image.name} · <code>{image.ref}</code>
        </p>
        <ul>
          {enforce.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      </aside>
    </form>
  );
}
