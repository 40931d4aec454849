"use client";

import { useActionState, useMemo, useState, useTransition } from "react";
import { launchAction } from "@/lib/actions/containers";
import { emptyFormState } from "@/lib/forms/form-state";
import { splitCommand } from "@/lib/forms/split-command";
import type { LaunchOptions } from "@/lib/services/launch-options";
import { FieldError, FormMessage } from "@/components/form-bits";

interface EnvRow {
  key: string;
  value: string;
  /** Values are masked once the person moves on from them. */
  masked: boolean;
}
interface VolumeRow {
  /** An existing volume's name, or "" to create the one named in `newName`. */
  volume: string;
  newName: string;
  path: string;
  readOnly: boolean;
}

/** "8080, 9000/udp" → ports; unparseable entries are kept as they are so the server names them. */
function parsePorts(text: string): { container: number; protocol: string }[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const [port, protocol = "tcp"] = entry.split("/");
      return { container: Number(port), protocol };
    });
}

/** The inverse of splitCommand, to pre-fill the field from the catalog's argv. */
function joinCommand(args: string[]): string {
  return args.map((a) => (/[\s'"\\]/.test(a) || a === "" ? `'${a.replace(/'/g, "'\\''")}'` : a)).join(" ");
}

/** Errors keyed by the top-level field they belong to, with the rest of the path kept in the message. */
function groupErrors(errors: Record<string, string[]> | undefined) {
  const grouped: Record<string, string[]> = {};
  for (const [path, messages] of Object.entries(errors ?? {})) {
    const top = path.split(/[.[]/)[0] || "_form";
    for (const m of messages) (grouped[top] ??= []).push(path === top ? m : `${path}: ${m}`);
  }
  return grouped;
}

/**
 * A slider's upper end: the per-container maximum, lowered to what the quota has left, but
 * never below the smallest launch; a request above what is left is refused by the server
 * with the quota error, which names the numbers.
 */
function sliderMax(perContainer: number, left: number, smallest: number): number {
  return Math.max(smallest, Math.min(perContainer, left));
}

export function LaunchForm({ options }: { options: LaunchOptions }) {
  const first = options.images[0];
  const { quota, left } = options;
  const memoryMax = sliderMax(options.maxMemoryMb, left.memoryMb, 16);
  const cpuMax = sliderMax(options.maxCpuMillis, left.cpuMillis, 50);
  const [imageId, setImageId] = useState(first.id);
  const image = options.images.find((i) => i.id === imageId) ?? first;
  const [name, setName] = useState("");
  const [command, setCommand] = useState(joinCommand(first.defaultCommand));
  const [env, setEnv] = useState<EnvRow[]>([]);
  const [ports, setPorts] = useState(first.defaultPort ? String(first.defaultPort) : "");
  const [volumes, setVolumes] = useState<VolumeRow[]>([]);
  const [memoryMb, setMemoryMb] = useState(Math.min(128, memoryMax));
  const [cpuMillis, setCpuMillis] = useState(Math.min(500, cpuMax));
  const [readOnlyRootfs, setReadOnlyRootfs] = useState(true);
  const [restart, setRestart] = useState<"no" | "on-failure">("no");
  const [state, action, pending] = useActionState(launchAction.bind(null, options.tenant.id), emptyFormState);
  const [, startTransition] = useTransition();
  const errors = groupErrors(state.errors);
  const split = useMemo(() => splitCommand(command), [command]);

  const pickImage = (id: string) => {
    const next = options.images.find((i) => i.id === id);
    if (!next) return;
    setImageId(id);
    setCommand(joinCommand(next.defaultCommand));
    setPorts(next.defaultPort ? String(next.defaultPort) : "");
  };

  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    // Submitted by hand (not <form action>) so React does not reset the form after an error.
    event.preventDefault();
    const request = {
      name,
      imageId,
      ...(command.trim() && split.ok ? { command: split.args } : {}),
      ...(env.length ? { env: Object.fromEntries(env.filter((r) => r.key || r.value).map((r) => [r.key, r.value])) } : {}),
      ports: parsePorts(ports),
      volumes: volumes.map((v) => ({ volume: v.volume || v.newName, path: v.path, readOnly: v.readOnly })),
      memoryMb,
      cpuMillis,
      readOnlyRootfs,
      restart,
    };
    const data = new FormData();
    data.set("request", JSON.stringify(request));
    data.set("newVolumes", JSON.stringify(volumes.filter((v) => !v.volume && v.newName).map((v) => v.newName)));
    startTransition(() => action(data));
  };

  const enforce = [
    `runs as uid ${options.uid}, never root`,
    "no capabilities, no privilege escalation",
    readOnlyRootfs ? "read-only root filesystem, writable /tmp" : "writable root filesystem",
    `${memoryMb} MB memory, no swap`,
    `${(cpuMillis / 1000).toFixed(2)} CPU, at most 256 processes`,
    `network ${options.network}${options.allowOutbound ? "" : " (no outbound traffic)"}`,
    `ports published on ${options.publishAddress} only`,
  ];

  return (
    <form onSubmit={submit} className="launch" noValidate aria-label="Launch a container">
      <div style={{ display: "grid", gap: 18 }}>
        <fieldset>
          <legend>Image</legend>
          <div className="image-cards" role="radiogroup" aria-label="Image">
            {options.images.map((i) => (
              <label key={i.id} className="image-card">
                <input type="radio" name="image" value={i.id} checked={i.id === imageId} onChange={() => pickImage(i.id)} aria-describedby={`img-${i.id}`} />
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

        <div className="field">
          <label htmlFor="launch-name">Name</label>
          <input id="launch-name" type="text" value={name} onChange={(e) => setName(e.target.value)} placeholder="web" required aria-invalid={!!errors.name} aria-describedby="launch-name-hint launch-name-error" />
          <span id="launch-name-hint" className="hint">Lowercase letters, digits and dashes. Other containers of this tenant reach it by this name.</span>
          <FieldError id="launch-name-error" errors={errors.name} />
        </div>

        <div className="field">
          <label htmlFor="launch-command">Command</label>
          <input id="launch-command" type="text" value={command} onChange={(e) => setCommand(e.target.value)} aria-invalid={!split.ok || !!errors.command} aria-describedby="launch-command-hint launch-command-error" />
          <span id="launch-command-hint" className="hint">Run as is, without a shell; quote arguments that contain spaces. Empty uses the image's default.</span>
          <FieldError id="launch-command-error" errors={[...(split.ok ? [] : [split.error]), ...(errors.command ?? [])]} />
        </div>

        <fieldset>
          <legend>Environment variables</legend>
          <div className="rows">
            {env.map((row, i) => (
              <div className="row" key={i}>
                <input type="text" aria-label={`Variable ${i + 1} name`} placeholder="NAME" value={row.key} onChange={(e) => setEnv(env.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))} />
                <input
                  type={row.masked ? "password" : "text"}
                  aria-label={`Variable ${i + 1} value`}
                  placeholder="value"
                  value={row.value}
                  autoComplete="off"
                  onFocus={() => setEnv(env.map((r, j) => (j === i ? { ...r, masked: false } : r)))}
                  onBlur={() => setEnv(env.map((r, j) => (j === i ? { ...r, masked: r.value !== "" } : r)))}
                  onChange={(e) => setEnv(env.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))}
                />
                <button type="button" onClick={() => setEnv(env.filter((_, j) => j !== i))} aria-label={`Remove variable ${i + 1}`}>Remove</button>
              </div>
            ))}
            <div><button type="button" onClick={() => setEnv([...env, { key: "", value: "", masked: false }])}>Add variable</button></div>
          </div>
          <FieldError id="env-error" errors={errors.env} />
        </fieldset>

        <div className="field">
          <label htmlFor="launch-ports">Container ports</label>
          <input id="launch-ports" type="text" value={ports} onChange={(e) => setPorts(e.target.value)} placeholder="8080, 5353/udp" aria-invalid={!!errors.ports} aria-describedby="launch-ports-hint launch-ports-error" />
          <span id="launch-ports-hint" className="hint">Berth picks the host port for each and shows its URL.</span>
          <FieldError id="launch-ports-error" errors={errors.ports} />
        </div>

        <fieldset>
          <legend>Volumes</legend>
          <div className="rows">
            {volumes.map((row, i) => (
              <div className="row" key={i}>
                <select aria-label={`Volume ${i + 1}`} value={row.volume} onChange={(e) => setVolumes(volumes.map((r, j) => (j === i ? { ...r, volume: e.target.value } : r)))}>
                  {options.volumes.map((v) => <option key={v} value={v}>{v}</option>)}
                  {options.canCreateVolumes && <option value="">new volume…</option>}
                </select>
                {!row.volume && (
                  <input type="text" aria-label={`New volume ${i + 1} name`} placeholder="data" value={row.newName} onChange={(e) => setVolumes(volumes.map((r, j) => (j === i ? { ...r, newName: e.target.value } : r)))} />
                )}
                <input type="text" aria-label={`Volume ${i + 1} mount path`} placeholder="/data" value={row.path} onChange={(e) => setVolumes(volumes.map((r, j) => (j === i ? { ...r, path: e.target.value } : r)))} />
                <label className="checkbox">
                  <input type="checkbox" checked={row.readOnly} onChange={(e) => setVolumes(volumes.map((r, j) => (j === i ? { ...r, readOnly: e.target.checked } : r)))} />
                  read-only
                </label>
                <button type="button" onClick={() => setVolumes(volumes.filter((_, j) => j !== i))} aria-label={`Remove volume ${i + 1}`}>Remove</button>
              </div>
            ))}
            {options.volumes.length === 0 && !options.canCreateVolumes ? (
              <p className="muted" style={{ margin: 0 }}>This tenant has no volumes; an owner can create them.</p>
            ) : (
              <div>
                <button type="button" onClick={() => setVolumes([...volumes, { volume: options.volumes[0] ?? "", newName: "", path: "", readOnly: false }])}>Add volume</button>
              </div>
            )}
          </div>
          <FieldError id="volumes-error" errors={[...(errors.volumes ?? []), ...(errors.newVolumes ?? [])]} />
        </fieldset>

        <div className="field">
          <label htmlFor="launch-memory">Memory: <span className="tabular">{memoryMb} MB</span></label>
          <input id="launch-memory" type="range" min={16} max={memoryMax} step={16} value={memoryMb} onChange={(e) => setMemoryMb(Number(e.target.value))} aria-describedby="launch-memory-hint launch-memory-error" />
          <span id="launch-memory-hint" className="hint">
            Up to {options.maxMemoryMb} MB per container · <span className="quota-left">{left.memoryMb} of {quota.maxMemoryMb} MB left</span>
          </span>
          <FieldError id="launch-memory-error" errors={errors.memoryMb} />
        </div>
        <div className="field">
          <label htmlFor="launch-cpu">CPU: <span className="tabular">{(cpuMillis / 1000).toFixed(2)}</span></label>
          <input id="launch-cpu" type="range" min={50} max={cpuMax} step={50} value={cpuMillis} onChange={(e) => setCpuMillis(Number(e.target.value))} aria-describedby="launch-cpu-hint launch-cpu-error" />
          <span id="launch-cpu-hint" className="hint">
            Up to {(options.maxCpuMillis / 1000).toFixed(2)} CPU per container · <span className="quota-left">{(left.cpuMillis / 1000).toFixed(2)} of {(quota.maxCpuMillis / 1000).toFixed(2)} CPU left</span>
          </span>
          <FieldError id="launch-cpu-error" errors={errors.cpuMillis} />
        </div>

        {options.allowWritableRootfs && (
          <label className="checkbox">
            <input type="checkbox" checked={!readOnlyRootfs} onChange={(e) => setReadOnlyRootfs(!e.target.checked)} />
            Writable root filesystem (this tenant&apos;s policy allows it)
          </label>
        )}
        <FieldError id="rootfs-error" errors={errors.readOnlyRootfs} />

        <div className="field">
          <label htmlFor="launch-restart">Restart policy</label>
          <select id="launch-restart" value={restart} onChange={(e) => setRestart(e.target.value as "no" | "on-failure")}>
            <option value="no">never restart</option>
            <option value="on-failure">restart on failure (up to 5 times)</option>
          </select>
        </div>

        <p className="launch-quota hint" aria-label="Quota left">
          <span className={left.containers === 0 ? "over" : undefined}>{left.containers} of {quota.maxContainers} containers left</span>
          <span className={left.memoryMb < memoryMb ? "over" : undefined}>{left.memoryMb} of {quota.maxMemoryMb} MB left</span>
          <span className={left.cpuMillis < cpuMillis ? "over" : undefined}>{(left.cpuMillis / 1000).toFixed(2)} of {(quota.maxCpuMillis / 1000).toFixed(2)} CPU left</span>
        </p>
        <FormMessage state={state} />
        <FieldError id="form-error" errors={errors._form} />
        <div>
          <button type="submit" className="primary" disabled={pending || !split.ok}>{pending ? "Launching…" : "Launch"}</button>
        </div>
      </div>

      <aside className="panel enforce" aria-labelledby="enforce-head">
        <h2 id="enforce-head">What Berth will enforce</h2>
        <p className="muted" style={{ marginTop: 0 }}>{image.name} · <code>{image.ref}</code></p>
        <ul>{enforce.map((e) => <li key={e}>{e}</li>)}</ul>
      </aside>
    </form>
  );
}
