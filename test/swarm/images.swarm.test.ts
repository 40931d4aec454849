import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { managerDocker, nodeDocker } from "@/lib/docker/client";
import { canonicalRef, type PullProgress } from "@/lib/docker/images";
import { LABEL } from "@/lib/docker/labels";
import { listEngineNodes, refreshNodePosture, tenantNodes, type TenantNode } from "@/lib/docker/nodes";
import { ServiceError } from "@/lib/errors";
import { getContainerDetail, removeContainer } from "@/lib/services/containers";
import { addCatalogImage, listCatalogImages, pullCatalogImage, removeCatalogImage } from "@/lib/services/images";
import { launchContainer } from "@/lib/services/launch-container";
import { makeActor } from "../integration/fixtures";
import { cleanUpTenant, tenantWithOwner, type TestTenant } from "../integration/tenancy";
import { missingImageRef, pushFreshImage, removeTestImage } from "../support/registry-image";
import { expectVerified, liveOf } from "./swarm-support";

/*
 * Catalog images on Swarm: each node runs its tasks from its own images, so a catalog image
 * must be on every node that can run tenant tasks. The local Swarm (scripts/swarm.sh up 3,
 * node 3 weak) has two such nodes; each node pulls from the host's registry storage through a
 * registry of its own on its own 127.0.0.1:5000 (scripts/ensure-registry.sh first).
 */
let admin: Actor;
let t: TestTenant;
let eligible: TenantNode[];
let weak: TenantNode[];

const hasImage = async (nodeId: string, ref: string) =>
  (await nodeDocker(nodeId).listImages()).some((i) => (i.RepoTags ?? []).includes(canonicalRef(ref)));
const removeFromNodes = async (ref: string) => {
  for (const n of [...eligible, ...weak]) {
    await nodeDocker(n.id)
      .getImage(ref)
      .remove({ force: true })
      .catch(() => undefined);
  }
};
const servicesOf = async (tenantId: string) => managerDocker().listServices({ filters: { label: [`${LABEL.tenant}=${tenantId}`] } });

beforeAll(async () => {
  await refreshNodePosture();
  admin = await makeActor("admin");
  t = await tenantWithOwner("swi");
  eligible = await tenantNodes();
  const all = await listEngineNodes();
  weak = all.filter((n) => !n.posture.ok).map((n) => ({ id: n.id, hostname: n.hostname }));
  expect(eligible, "two nodes can run tenant tasks (node 3 is weak)").toHaveLength(2);
  expect(new Set(all.map((n) => n.hostname)).size, "every node has a host name of its own").toBe(all.length);
});
afterAll(async () => {
  await cleanUpTenant(t);
});

describe("catalog images on every node", () => {
  it("an image on one eligible node only is listed as missing on the other, by host name; a launch is refused naming it and leaves nothing; once on both, the launch runs and its page shows no-new-privileges on", async () => {
    const [first, second] = eligible;
    const tag = randomBytes(4).toString("hex");
    const ref = `berth-test/partial:${tag}`;
    await nodeDocker(first.id).getImage("berth/shell:1").tag({ repo: "berth-test/partial", tag });
    const image = await db.catalogImage.create({ data: { ref, name: "Partial" } });
    try {
      expect((await listCatalogImages(admin)).find((i) => i.id === image.id)).toMatchObject({ present: false, missingOn: [second.hostname] });

      const refused = await launchContainer(t.owner, t.id, {
        name: "partial",
        image: ref,
        command: ["sleep", "3600"],
        memoryMb: 32,
        cpuMillis: 100,
      }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ServiceError);
      expect(refused).toMatchObject({ code: "conflict", message: expect.stringContaining(`missing on node ${second.hostname}`) });
      expect(await db.container.count({ where: { tenantId: t.id } })).toBe(0);
      expect(await servicesOf(t.id)).toEqual([]);

      await nodeDocker(second.id).getImage("berth/shell:1").tag({ repo: "berth-test/partial", tag });
      expect((await listCatalogImages(admin)).find((i) => i.id === image.id)).toMatchObject({ present: true, missingOn: [] });
      const c = await launchContainer(t.owner, t.id, { name: "partial", image: ref, command: ["sleep", "3600"], memoryMb: 32, cpuMillis: 100 });
      expect(c.status).toBe("running");
      await expectVerified(c.id);

      // The node's daemon supplies no-new-privileges; the task container's inspect does not show it…
      const live = await liveOf(c.id);
      expect(live.berthSwarm.container?.HostConfig.SecurityOpt ?? []).not.toContain("no-new-privileges");
      // …and the container page shows the task's truth, not a false "off".
      const detail = await getContainerDetail(t.owner, c.id);
      expect(detail.hardening).toMatchObject({ noNewPrivileges: true, capabilitiesDropped: ["ALL"], readOnlyRootfs: true });
      await removeContainer(t.owner, c.id);
    } finally {
      await db.catalogImage.delete({ where: { id: image.id } });
      await removeFromNodes(ref);
    }
  });

  it("adding a registry image pulls it onto every eligible node, each node's layers in the progress; ineligible nodes are left alone", async () => {
    const ref = pushFreshImage("berth-test/swarm-pull");
    try {
      const events: PullProgress[] = [];
      const image = await addCatalogImage(admin, { ref, name: "Swarm pull" }, (p) => events.push(p));
      expect(image).toMatchObject({ ref, present: true, missingOn: [] });
      const last = events.at(-1)!;
      // Each eligible node fetched the fresh layer; the base one (berth/shell:1's) it fetches
      // too the first time (a layer loaded with docker load has no registry digest to match).
      for (const n of eligible) {
        const statuses = last.layers.filter((l) => l.id.startsWith(`${n.hostname}:`)).map((l) => l.status);
        expect(statuses, `layers pulled on ${n.hostname}`).toHaveLength(2);
        expect(statuses.every((s) => s === "Pull complete" || s === "Already exists")).toBe(true);
        expect(statuses).toContain("Pull complete");
        expect(await hasImage(n.id, ref), `on ${n.hostname}`).toBe(true);
      }
      for (const n of weak) expect(await hasImage(n.id, ref), `not on the weak ${n.hostname}`).toBe(false);
      expect(last.currentBytes).toBe(last.totalBytes);
      // The fresh 3 MB layer came to both nodes.
      expect(last.totalBytes).toBeGreaterThan(2 * 2_000_000);

      const event = await db.activityEvent.findFirst({ where: { action: "image.add", target: `image:${ref}` }, orderBy: { seq: "desc" } });
      expect(JSON.parse(event!.details!)).toMatchObject({ ref, pulled: true, pulledOn: eligible.map((n) => n.hostname) });
      expect((await listCatalogImages(admin)).find((i) => i.id === image.id)).toMatchObject({ present: true, missingOn: [] });

      // Gone from one node behind Berth's back: the catalog names that node.
      await nodeDocker(eligible[1].id).getImage(ref).remove({ force: true });
      expect((await listCatalogImages(admin)).find((i) => i.id === image.id)).toMatchObject({ present: false, missingOn: [eligible[1].hostname] });
      // Pull again: only onto that node.
      const again: PullProgress[] = [];
      expect(await pullCatalogImage(admin, image.id, (p) => again.push(p))).toMatchObject({ present: true, missingOn: [] });
      expect(new Set(again.at(-1)!.layers.map((l) => l.id.split(":")[0]))).toEqual(new Set([eligible[1].hostname]));
      expect(await hasImage(eligible[1].id, ref)).toBe(true);
      const pulledEvent = await db.activityEvent.findFirst({ where: { action: "image.pull", target: `image:${ref}` }, orderBy: { seq: "desc" } });
      expect(JSON.parse(pulledEvent!.details!)).toEqual({ ref, pulled: true, pulledOn: [eligible[1].hostname] });
      await removeCatalogImage(admin, image.id);
    } finally {
      await removeFromNodes(ref);
      await removeTestImage(ref);
    }
  });

  it("a reference the registry lacks fails on the node that tried it, named, and adds nothing", async () => {
    const missing = missingImageRef("berth-test/swarm-missing");
    const error = await addCatalogImage(admin, { ref: missing, name: "Missing" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    const names = eligible.map((n) => n.hostname).join("|");
    expect(error).toMatchObject({
      code: "validation_failed",
      message: expect.stringMatching(new RegExp(`on node (${names})\\. .*was not found in the registry`)),
      fields: [{ path: "ref", message: expect.stringMatching(new RegExp(`^on node (${names}): `)) }],
    });
    expect(await db.catalogImage.findUnique({ where: { ref: missing } })).toBeNull();
  });
});
