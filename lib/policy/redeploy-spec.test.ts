import { describe, expect, test } from "vitest";
import { assertServiceSpec } from "./assert-service-spec";
import { redeploySpec, serviceSpecEnv, withForceAfter } from "./redeploy-spec";
import { sampleScope } from "./__fixtures__/sample";
import { builtSpec, serviceInspect, SAMPLE_NODE } from "./__fixtures__/swarm";

const force = (spec: object) => (spec as { TaskTemplate: { ForceUpdate?: number } }).TaskTemplate.ForceUpdate;

describe("redeploySpec (an edit written over a live service)", () => {
  test("is the policy's spec with ForceUpdate past the live one, and still passes the create-mode assertion", () => {
    const built = builtSpec();
    const live = { ...JSON.parse(JSON.stringify(built)), TaskTemplate: { ...built.TaskTemplate, ForceUpdate: 4 } } as object;
    const out = redeploySpec(built, live);
    if (!out.ok) throw new Error(out.reason);
    expect(force(out.spec)).toBe(5);
    expect({ ...out.spec, TaskTemplate: { ...out.spec.TaskTemplate, ForceUpdate: undefined } }).toEqual({
      ...built,
      TaskTemplate: { ...built.TaskTemplate, ForceUpdate: undefined },
    });
    expect(assertServiceSpec(out.spec, sampleScope(), { volumeNodeId: SAMPLE_NODE })).toEqual([]);
    // The built spec itself is not changed.
    expect(force(built)).toBeUndefined();
  });

  test("a live service that never had a forced update gets 1", () => {
    const built = builtSpec();
    const out = redeploySpec(built, JSON.parse(JSON.stringify(built)) as object);
    expect(out.ok && force(out.spec)).toBe(1);
  });

  test("refuses to rename the service (a service keeps its name for life)", () => {
    const built = builtSpec();
    const out = redeploySpec(built, { ...JSON.parse(JSON.stringify(built)), Name: "berth-other_app" } as object);
    expect(out).toEqual({ ok: false, reason: "an edit cannot rename the service berth-other_app" });
  });

  test("a nonsense live ForceUpdate counts as none", () => {
    const built = builtSpec();
    for (const bad of [-3, 1.5, "7", null]) {
      const out = redeploySpec(built, { ...JSON.parse(JSON.stringify(built)), TaskTemplate: { ForceUpdate: bad } } as object);
      expect(out.ok && force(out.spec)).toBe(1);
    }
  });
});

describe("withForceAfter (a rollback's previous spec)", () => {
  test("copies the previous spec whole, with ForceUpdate past the current one", () => {
    const previous = serviceInspect().Spec as object;
    const current = { TaskTemplate: { ForceUpdate: 9 } };
    const out = withForceAfter(previous, current);
    expect(force(out)).toBe(10);
    expect(out).not.toBe(previous);
    expect({ ...out, TaskTemplate: { ...(out as { TaskTemplate: object }).TaskTemplate, ForceUpdate: undefined } }).toEqual({
      ...previous,
      TaskTemplate: { ...(previous as { TaskTemplate: object }).TaskTemplate, ForceUpdate: undefined },
    });
  });
});

describe("serviceSpecEnv", () => {
  test("reads the ContainerSpec's env entries, and nothing from a spec without them", () => {
    const built = builtSpec();
    expect(serviceSpecEnv(built)).toEqual(built.TaskTemplate.ContainerSpec.Env);
    expect(serviceSpecEnv({ TaskTemplate: { ContainerSpec: { Env: ["A=1", 2, null, "B="] } } })).toEqual(["A=1", "B="]);
    expect(serviceSpecEnv({ TaskTemplate: { ContainerSpec: {} } })).toEqual([]);
    expect(serviceSpecEnv({})).toEqual([]);
  });
});
