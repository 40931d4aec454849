import type { DockerServiceSpec } from "./service-spec";

/*
 * The specs of an in-place redeploy on Swarm (an edit: lib/docker/swarm-workloads.ts
 * redeployService). Pure, so what is written over a live service is tested on its own.
 */

type SpecLike = object;

const field = (spec: SpecLike, key: string): unknown => (spec as Record<string, unknown>)[key];

const forceOf = (spec: SpecLike): number => {
  const force = (field(spec, "TaskTemplate") as { ForceUpdate?: unknown } | undefined)?.ForceUpdate;
  return typeof force === "number" && Number.isSafeInteger(force) && force >= 0 ? force : 0;
};

/**
 * A deep copy of `spec` whose TaskTemplate.ForceUpdate is past the live service's: Swarm makes
 * a new task even when nothing else changed (an edit that changes nothing still redeploys, as
 * one engine recreates the container; a rollback makes the previous spec's task again).
 */
export function withForceAfter<T extends SpecLike>(spec: T, live: SpecLike): T {
  const copy = JSON.parse(JSON.stringify(spec)) as T;
  const template = (field(copy, "TaskTemplate") ?? {}) as Record<string, unknown>;
  template.ForceUpdate = forceOf(live) + 1;
  (copy as Record<string, unknown>).TaskTemplate = template;
  return copy;
}

/**
 * The spec an edit writes over the live service: the policy's new spec, under the live
 * service's own name (a service keeps its name for life, and the edit keeps the container's).
 */
export function redeploySpec(built: DockerServiceSpec, live: SpecLike): { ok: true; spec: DockerServiceSpec } | { ok: false; reason: string } {
  const name = field(live, "Name");
  if (built.Name !== name) return { ok: false, reason: `an edit cannot rename the service ${String(name)}` };
  return { ok: true, spec: withForceAfter(built, live) };
}

/** The env a service's tasks get (`KEY=value` entries of its ContainerSpec), for a service with no task container to read. */
export function serviceSpecEnv(spec: SpecLike): string[] {
  const env = (field(spec, "TaskTemplate") as { ContainerSpec?: { Env?: unknown } } | undefined)?.ContainerSpec?.Env;
  return Array.isArray(env) ? env.filter((e): e is string => typeof e === "string") : [];
}
