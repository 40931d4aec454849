import { isString, join, show, type CheckRun } from "./check-support";
import { isPlainObject, readStruct } from "./go-json";
import { violation } from "./violation";

const CONTAINER_NAME_PART = /^[a-z0-9][a-z0-9-]{0,40}$/;
const PORT_KEY = /^([0-9]{1,5})\/(tcp|udp)$/;

/** Labels Berth writes; a tenant never sets labels, so nothing else may appear on create. */
export const LABEL_ALLOWLIST: readonly string[] = ["berth.managed", "berth.tenant", "berth.id", "berth.name", "berth.image", "berth.test"];

export function checkNetworkMode(mode: unknown, path: string, run: CheckRun): void {
  if (mode !== run.scope.networkName) {
    run.out.push(violation("N1", path, `must be the tenant's network ${run.scope.networkName} (got ${show(mode)})`));
  }
}

export function checkNetworkingConfig(config: unknown, path: string, run: CheckRun): void {
  const f = readStruct(config, path, { known: ["EndpointsConfig"], controlOf: () => "N1", flagUnknown: true }, run.out, "N1");
  const endpoints = f.get("EndpointsConfig");
  if (endpoints === undefined || endpoints === null) return;
  if (!isPlainObject(endpoints)) {
    run.out.push(violation("N1", join(path, "EndpointsConfig"), "must be an object"));
    return;
  }
  for (const [network, endpoint] of Object.entries(endpoints)) {
    const at = `${join(path, "EndpointsConfig")}[${JSON.stringify(network)}]`;
    if (network !== run.scope.networkName) run.out.push(violation("N1", at, `network ${network} is not the tenant's network`));
    // Aliases only: IPAMConfig, Links and DriverOpts reach into other containers or the driver.
    const e = readStruct(endpoint, at, { known: ["Aliases"], controlOf: () => "N1", flagUnknown: true }, run.out, "N1");
    const aliases = e.get("Aliases");
    if (aliases !== undefined && aliases !== null && !(Array.isArray(aliases) && aliases.every((a) => isString(a) && CONTAINER_NAME_PART.test(a)))) {
      run.out.push(violation("N1", join(at, "Aliases"), "aliases must be container names"));
    }
  }
}

/** Inspect: the container is attached to its tenant's network and nothing else. */
export function checkAttachedNetworks(networks: unknown, path: string, run: CheckRun): void {
  const names = isPlainObject(networks) ? Object.keys(networks) : [];
  if (names.length !== 1 || names[0] !== run.scope.networkName) {
    run.out.push(violation("N1", path, `must be attached only to ${run.scope.networkName} (got ${names.join(", ") || "none"})`));
  }
}

function isPublicAddress(ip: string): boolean {
  return ip === "" || ip === "0.0.0.0" || ip === "::" || ip === "[::]";
}

export function checkPortBindings(bindings: unknown, publishAll: unknown, path: string, run: CheckRun): void {
  if (!(publishAll === undefined || publishAll === null || publishAll === false)) {
    run.out.push(violation("N2", join(path, "PublishAllPorts"), "must be false: Docker would publish every exposed port on all addresses"));
  }
  if (bindings === undefined || bindings === null) return;
  const at = join(path, "PortBindings");
  if (!isPlainObject(bindings)) {
    run.out.push(violation("N2", at, "must be an object"));
    return;
  }
  const { hostIp, allowPublicBind, portRange } = run.scope;
  for (const [key, list] of Object.entries(bindings)) {
    const keyPath = `${at}[${JSON.stringify(key)}]`;
    if (!PORT_KEY.test(key)) run.out.push(violation("N2", keyPath, `${key} is not a "<port>/<tcp|udp>" key`));
    if (list === null) continue;
    if (!Array.isArray(list)) {
      run.out.push(violation("N2", keyPath, "must be a list of bindings"));
      continue;
    }
    list.forEach((binding: unknown, i) => {
      const b = readStruct(binding, `${keyPath}[${i}]`, { known: ["HostIp", "HostPort"], controlOf: () => "N2", flagUnknown: true }, run.out, "N2");
      const ip = b.get("HostIp");
      const port = b.get("HostPort");
      // An empty HostIp means every interface, exactly like 0.0.0.0.
      const ipOk = ip === hostIp && (!isPublicAddress(hostIp) || allowPublicBind === true);
      if (!ipOk) run.out.push(violation("N2", `${keyPath}[${i}].HostIp`, `must be ${hostIp} (got ${show(ip)})`));
      // An empty HostPort asks Docker for a random port, and "a-b" for a range.
      const n = isString(port) && /^[0-9]{1,5}$/.test(port) ? Number(port) : NaN;
      if (!(n >= portRange.from && n <= portRange.to && n > 1024)) {
        run.out.push(
          violation("N2", `${keyPath}[${i}].HostPort`, `must be a port Berth allocated in ${portRange.from}-${portRange.to} (got ${show(port)})`),
        );
      }
    });
  }
}

export function checkExposedPorts(exposed: unknown, path: string, run: CheckRun): void {
  if (exposed === undefined || exposed === null) return;
  if (!isPlainObject(exposed)) {
    run.out.push(violation("N2", path, "must be an object"));
    return;
  }
  for (const [key, value] of Object.entries(exposed)) {
    if (!PORT_KEY.test(key) || !(isPlainObject(value) && Object.keys(value).length === 0)) {
      run.out.push(violation("N2", `${path}[${JSON.stringify(key)}]`, `${key} is not a "<port>/<tcp|udp>" key with an empty value`));
    }
  }
}

export function checkLabels(labels: unknown, path: string, run: CheckRun): void {
  if (!isPlainObject(labels)) {
    run.out.push(violation("O1", path, "Berth's ownership labels are required"));
    return;
  }
  const required: Record<string, string | undefined> = {
    "berth.managed": "true",
    "berth.tenant": run.scope.tenantId,
    "berth.id": run.scope.berthId,
  };
  for (const [key, want] of Object.entries(required)) {
    const got = labels[key];
    if (!isString(got) || got === "" || (want !== undefined && got !== want)) {
      run.out.push(
        violation("O1", `${path}[${JSON.stringify(key)}]`, `must be ${want === undefined ? "set" : JSON.stringify(want)} (got ${show(got)})`),
      );
    }
  }
  for (const [key, value] of Object.entries(labels)) {
    // Inspect merges in the image's own labels; only Berth's namespace is policed there.
    const policed = run.mode === "create" || key.startsWith("berth.");
    if (policed && !LABEL_ALLOWLIST.includes(key)) {
      run.out.push(violation("O1", `${path}[${JSON.stringify(key)}]`, `label ${key} is not one Berth sets`));
    } else if (!isString(value)) {
      run.out.push(violation("O1", `${path}[${JSON.stringify(key)}]`, "label values must be strings"));
    }
  }
}

export function checkImage(image: unknown, path: string, run: CheckRun): void {
  if (!isString(image) || !run.scope.allowedImageRefs.includes(image)) {
    run.out.push(violation("O2", path, `image ${show(image)} is not in the catalog`));
  }
}

/** Create uses `berth-<slug>_<name>`; inspect prefixes it with "/". */
export function checkName(name: unknown, path: string, run: CheckRun): void {
  const prefix = `${run.mode === "inspect" ? "/" : ""}${run.scope.networkName}_`;
  if (!isString(name) || !name.startsWith(prefix) || !CONTAINER_NAME_PART.test(name.slice(prefix.length))) {
    run.out.push(violation("O3", path, `must be "${prefix}<name>" (got ${show(name)})`));
  }
}
