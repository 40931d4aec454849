/**
 * What the launch form holds while a person fills it in, the changes they can make, and
 * the LaunchRequest it becomes. Pure: no React, so the whole form's behaviour reads here.
 */

export type RestartChoice = "no" | "on-failure";

export interface EnvRow {
  key: string;
  value: string;
  /** Values are masked once the person moves on from them. */
  masked: boolean;
}

export interface VolumeRow {
  /** An existing volume's name, or "" to create the one named in `newName`. */
  volume: string;
  newName: string;
  path: string;
  readOnly: boolean;
}

export interface LaunchFormState {
  imageId: string;
  name: string;
  /** As typed; split into argv (without a shell) when sent. */
  command: string;
  env: EnvRow[];
  /** As typed: "8080, 5353/udp". */
  ports: string;
  volumes: VolumeRow[];
  memoryMb: number;
  cpuMillis: number;
  readOnlyRootfs: boolean;
  restart: RestartChoice;
}

/** The part of a catalog image that pre-fills the form. */
export interface ImageDefaults {
  id: string;
  defaultCommand: string[];
  defaultPort: number | null;
}

export type LaunchFormAction =
  | { type: "pickImage"; image: ImageDefaults }
  | { type: "setName"; name: string }
  | { type: "setCommand"; command: string }
  | { type: "setPorts"; ports: string }
  | { type: "addEnv" }
  | { type: "editEnv"; index: number; change: Partial<EnvRow> }
  | { type: "removeEnv"; index: number }
  | { type: "addVolume"; volume: string }
  | { type: "editVolume"; index: number; change: Partial<VolumeRow> }
  | { type: "removeVolume"; index: number }
  | { type: "setMemory"; memoryMb: number }
  | { type: "setCpu"; cpuMillis: number }
  | { type: "setReadOnlyRootfs"; readOnlyRootfs: boolean }
  | { type: "setRestart"; restart: RestartChoice };

/** The inverse of splitCommand, to pre-fill the field from the catalog's argv. */
export function joinCommand(args: string[]): string {
  return args.map((a) => (/[\s'"\\]/.test(a) || a === "" ? `'${a.replace(/'/g, "'\\''")}'` : a)).join(" ");
}

function portsText(port: number | null): string {
  return port ? String(port) : "";
}

export function initialLaunchFormState(image: ImageDefaults, memoryMb: number, cpuMillis: number): LaunchFormState {
  return {
    imageId: image.id,
    name: "",
    command: joinCommand(image.defaultCommand),
    env: [],
    ports: portsText(image.defaultPort),
    volumes: [],
    memoryMb,
    cpuMillis,
    readOnlyRootfs: true,
    restart: "no",
  };
}

function edit<T>(rows: T[], index: number, change: Partial<T>): T[] {
  return rows.map((row, i) => (i === index ? { ...row, ...change } : row));
}

export function launchFormReducer(state: LaunchFormState, action: LaunchFormAction): LaunchFormState {
  switch (action.type) {
    case "pickImage":
      // A new image brings its own command and port; what the person typed for the old one no longer fits.
      return { ...state, imageId: action.image.id, command: joinCommand(action.image.defaultCommand), ports: portsText(action.image.defaultPort) };
    case "setName":
      return { ...state, name: action.name };
    case "setCommand":
      return { ...state, command: action.command };
    case "setPorts":
      return { ...state, ports: action.ports };
    case "addEnv":
      return { ...state, env: [...state.env, { key: "", value: "", masked: false }] };
    case "editEnv":
      return { ...state, env: edit(state.env, action.index, action.change) };
    case "removeEnv":
      return { ...state, env: state.env.filter((_, i) => i !== action.index) };
    case "addVolume":
      return { ...state, volumes: [...state.volumes, { volume: action.volume, newName: "", path: "", readOnly: false }] };
    case "editVolume":
      return { ...state, volumes: edit(state.volumes, action.index, action.change) };
    case "removeVolume":
      return { ...state, volumes: state.volumes.filter((_, i) => i !== action.index) };
    case "setMemory":
      return { ...state, memoryMb: action.memoryMb };
    case "setCpu":
      return { ...state, cpuMillis: action.cpuMillis };
    case "setReadOnlyRootfs":
      return { ...state, readOnlyRootfs: action.readOnlyRootfs };
    case "setRestart":
      return { ...state, restart: action.restart };
  }
}

/**
 * "8080, 5432/tcp, 5353/udp" → ports. A bare number (or "/https") is served over HTTPS by the
 * edge at the app's own host name; "/tcp" and "/udp" publish a raw host port for what is not
 * HTTP. Unparseable entries are kept as they are so the server names them.
 */
export function parsePorts(text: string): { container: number; protocol: string; expose: string }[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const [port, kind = "https"] = entry.split("/");
      const container = Number(port);
      return kind === "https" ? { container, protocol: "tcp", expose: "https" } : { container, protocol: kind, expose: "port" };
    });
}

/**
 * The LaunchRequest as the API takes it. A "new volume…" row becomes a volume with
 * `create: true`, which the launch creates in the tenant as part of the same command.
 * `commandArgs` is the split command, or undefined for the image's default.
 */
export function toLaunchRequest(state: LaunchFormState, commandArgs: string[] | undefined) {
  const env = state.env.filter((r) => r.key || r.value);
  return {
    name: state.name,
    imageId: state.imageId,
    ...(commandArgs ? { command: commandArgs } : {}),
    ...(state.env.length ? { env: Object.fromEntries(env.map((r) => [r.key, r.value])) } : {}),
    ports: parsePorts(state.ports),
    volumes: state.volumes.map((v) =>
      v.volume
        ? { volume: v.volume, path: v.path, readOnly: v.readOnly }
        : { volume: v.newName, path: v.path, readOnly: v.readOnly, create: true as const },
    ),
    memoryMb: state.memoryMb,
    cpuMillis: state.cpuMillis,
    readOnlyRootfs: state.readOnlyRootfs,
    restart: state.restart,
  };
}
