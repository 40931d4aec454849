import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { managerDocker } from "@/lib/docker/client";
import { ensureTenantNetwork, removeTenantNetwork, tenantNetworkName } from "@/lib/docker/networks";
import { LABEL, testLabels } from "@/lib/docker/labels";
import { ELIGIBLE_CONSTRAINT, refreshNodePosture, tenantNodes } from "@/lib/docker/nodes";
import { ServiceError } from "@/lib/errors";
import { cleanUpTenant, tenantWithOwner, type TestTenant } from "../integration/tenancy";
import { waitFor } from "./swarm-support";

/*
 * A tenant's overlay is recreated (its outbound setting changed) only while nothing uses it.
 * On Swarm the manager's inspect of an overlay lists only the manager's own containers, so a
 * task on another node, or a stopped (scaled to 0) service, must be found by the services.
 */
type ServiceSpec = Parameters<ReturnType<typeof managerDocker>["createService"]>[1];

let t: TestTenant;
let worker: { id: string; hostname: string };
const services: string[] = [];

beforeAll(async () => {
  await refreshNodePosture();
  t = await tenantWithOwner("swn");
  const manager = (await managerDocker().info()) as { Swarm?: { NodeID?: string } };
  const others = (await tenantNodes()).filter((n) => n.id !== manager.Swarm?.NodeID);
  expect(others.length, "an eligible node other than the manager").toBeGreaterThan(0);
  worker = others[0];
});
afterAll(async () => {
  for (const id of services) {
    await managerDocker()
      .getService(id)
      .remove()
      .catch(() => undefined);
  }
  await cleanUpTenant(t);
});

function serviceOn(network: string, nodeId: string): ServiceSpec {
  const labels = { [LABEL.managed]: "true", [LABEL.tenant]: t.id, [LABEL.role]: "swarm-test", ...testLabels() };
  return {
    Name: `berth-${t.slug}_net-user`,
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: "berth/shell:1",
        Command: ["sleep", "3600"],
        User: `${t.uid}:${t.uid}`,
        CapabilityDrop: ["ALL"],
        ReadOnly: true,
        Init: true,
        Labels: labels,
      },
      Resources: { Limits: { MemoryBytes: 32 * 2 ** 20, NanoCPUs: 100_000_000, Pids: 64 } },
      Placement: { Constraints: [ELIGIBLE_CONSTRAINT, `node.id==${nodeId}`] },
      Networks: [{ Target: network }],
    },
    Mode: { Replicated: { Replicas: 1 } },
    EndpointSpec: { Mode: "dnsrr" },
  };
}

const runningTasks = async (serviceId: string) =>
  (
    (await managerDocker().listTasks({ filters: { service: [serviceId], "desired-state": ["running"] } })) as { Status?: { State?: string } }[]
  ).filter((task) => task.Status?.State === "running");

// The refusal Berth words itself, not the engine's own refusal to remove a network in use.
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => "recreated",
    (e: unknown) => (e instanceof ServiceError ? `${e.code}: ${e.message}` : String(e)),
  );
const IN_USE = /^conflict: This tenant's outbound network access was allowed after its network was created/;

describe("a tenant overlay in use", () => {
  it("a service on another node, running or stopped, keeps the overlay in use; once it is gone the overlay is recreated", async () => {
    const name = await ensureTenantNetwork(t, false);
    expect(name).toBe(tenantNetworkName(t.slug));
    const { id } = await managerDocker().createService(serviceOn(name, worker.id));
    services.push(id);
    await waitFor(
      `its task runs on ${worker.hostname}`,
      () => runningTasks(id),
      (tasks) => tasks.length === 1,
    );

    // What the one-engine check saw: the manager lists no container on the overlay.
    const seen = await managerDocker().getNetwork(name).inspect();
    expect(Object.keys((seen as { Containers?: Record<string, unknown> }).Containers ?? {})).toEqual([]);
    expect(await refusal(ensureTenantNetwork(t, true, { mayRecreate: true })), "a running task on another node").toMatch(IN_USE);

    // Stopped as Berth stops a container: scaled to 0, the spec still attaches the overlay.
    const service = managerDocker().getService(id);
    const current = (await service.inspect()) as { Version: { Index: number }; Spec: Record<string, unknown> };
    await service.update({ version: current.Version.Index, ...current.Spec, Mode: { Replicated: { Replicas: 0 } } });
    await waitFor(
      "no task runs",
      () => runningTasks(id),
      (tasks) => tasks.length === 0,
    );
    expect(await refusal(ensureTenantNetwork(t, true, { mayRecreate: true })), "a stopped service").toMatch(IN_USE);

    await service.remove();
    // The overlay's endpoints go a moment after the service.
    await waitFor(
      "the overlay is recreated with outbound access",
      () =>
        ensureTenantNetwork(t, true, { mayRecreate: true }).then(
          () => managerDocker().getNetwork(name).inspect() as Promise<{ Internal?: boolean }>,
          () => ({ Internal: true }),
        ),
      (network) => network.Internal === false,
      30_000,
    );
    await removeTenantNetwork(t);
  });
});
