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
  /**
   * Edit only: the container has a value for this key, which Berth never sends to the browser.
   * Left blank, the row keeps it (sent as `null`; the server carries it from the engine).
   */
  keep?: boolean;
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

/** The starting values of an edit or a duplicate, as the server gives them (lib/services/launch-options.ts). */
export interface ContainerValues {
  name: string;
  imageId: string | null;
  command: string[] | null;
  envKeys: string[];
  ports: { container: number; protocol: "tcp" | "udp"; expose: "https" | "port" }[];
  volumes: { volume: string; path: string; readOnly: boolean }[];
  memoryMb: number;
  cpuMillis: number;
  readOnlyRootfs: boolean;
  restart: RestartChoice;
}

/** The inverse of parsePorts. */
export function portsTextOf(ports: ContainerValues["ports"]): string {
  return ports.map((p) => (p.expose === "https" ? String(p.container) : `${p.container}/${p.protocol}`)).join(", ");
}

/**
 * The form filled from an existing container. An edit keeps each env value unless a new one
 * is typed; a duplicate is a new container, so its values are asked for again (they are never
 * shown). A duplicate gets a name of its own to start from.
 */
export function formStateFromContainer(values: ContainerValues, fallbackImage: ImageDefaults, purpose: "edit" | "duplicate"): LaunchFormState {
  return {
    imageId: values.imageId ?? fallbackImage.id,
    name: purpose === "edit" ? values.name : `${values.name.slice(0, 36)}-copy`,
    command: values.command ? joinCommand(values.command) : "",
    env: values.envKeys.map((key) => ({ key, value: "", masked: false, ...(purpose === "edit" ? { keep: true } : {}) })),
    ports: portsTextOf(values.ports),
    volumes: values.volumes.map((v) => ({ volume: v.volume, newName: "", path: v.path, readOnly: v.readOnly })),
    memoryMb: values.memoryMb,
    cpuMillis: values.cpuMillis,
    readOnlyRootfs: values.readOnlyRootfs,
    restart: values.restart,
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
      // A renamed variable is a new one: there is no current value to keep under its new name.
      return { ...state, env: edit(state.env, action.index, "key" in action.change ? { ...action.change, keep: false } : action.change) };
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

/**
 * The edit request (PUT /api/v1/containers/{id}): the launch request without `name` and
 * `volumes` (an edit keeps both). A kept env row left blank is sent as `null`: keep its value.
 */
export function toEditRequest(state: LaunchFormState, commandArgs: string[] | undefined) {
  const { name: _name, volumes: _volumes, env: _env, ...rest } = toLaunchRequest(state, commandArgs);
  const rows = state.env.filter((r) => r.key || r.value);
  return {
    ...rest,
    ...(state.env.length ? { env: Object.fromEntries(rows.map((r) => [r.key, r.keep && r.value === "" ? null : r.value])) } : {}),
  };
}
