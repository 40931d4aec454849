import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import type { PullProgress } from "@/lib/docker/images";
import { ServiceError } from "@/lib/errors";
import { execFileSync } from "node:child_process";
import { POST as pullRoute } from "@/app/api/v1/images/[imageId]/pull/route";
import { addCatalogImage, listCatalogImages, pullCatalogImage, removeCatalogImage } from "@/lib/services/images";
import { createTokenForSelf } from "@/lib/services/tokens";
import { makeActor } from "./fixtures";
import { missingImageRef, pushFreshImage, removeTestImage } from "../support/registry-image";

// Needs scripts/ensure-registry.sh (npm test runs it): a real registry on 127.0.0.1:5000.
describe("image catalog (real daemon, real local registry)", () => {
  let admin: Actor;
  let ref: string;
  const missing = missingImageRef("berth-test/missing");

  beforeAll(async () => {
    admin = await makeActor("admin");
    ref = pushFreshImage("berth-test/shell");
  });

  afterAll(async () => {
    await removeTestImage(ref);
    await removeTestImage(missing);
  });

  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => "resolved",
      (error: unknown) => (error instanceof ServiceError ? error.code : `unexpected: ${String(error)}`),
    );

  it("pulls an absent image with per-layer progress, adds it, and lists it as present", async () => {
    expect((await listCatalogImages(admin)).some((i) => i.ref === ref)).toBe(false);
    const events: PullProgress[] = [];
    const image = await addCatalogImage(
      admin,
      { ref, name: "Test shell", description: "pushed by the test", defaultPort: 8080, defaultCommand: ["sh", "-c", "sleep 1"] },
      (p) => events.push(p),
    );
    expect(image).toEqual({
      id: expect.any(String),
      ref,
      name: "Test shell",
      description: "pushed by the test",
      defaultPort: 8080,
      defaultCommand: ["sh", "-c", "sleep 1"],
      present: true,
    });

    // The base layer is berth/shell:1's and already on the host; the fresh one is fetched.
    const last = events.at(-1)!;
    expect(last.layers.map((l) => l.status).sort()).toEqual(["Already exists", "Pull complete"]);
    expect(events.some((e) => e.layers.some((l) => l.status === "Downloading" && l.total > 0))).toBe(true);
    expect(last.totalBytes).toBeGreaterThan(2_000_000);
    expect(last.currentBytes).toBe(last.totalBytes);
    expect(last.status).toContain("Downloaded newer image");

    const listed = (await listCatalogImages(admin)).find((i) => i.ref === ref);
    expect(listed).toMatchObject({ id: image.id, present: true });
    const event = await db.activityEvent.findFirst({ where: { action: "image.add", target: `image:${ref}` } });
    expect(event).toMatchObject({ outcome: "allowed", actorId: admin.userId });
    expect(JSON.parse(event!.details!)).toMatchObject({ ref, pulled: true });
  });

  it("refuses the same reference twice with conflict on ref", async () => {
    const error = await addCatalogImage(admin, { ref, name: "Again" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ code: "conflict", fields: [{ path: "ref", message: expect.any(String) }] });
  });

  it("a reference the registry lacks is validation_failed on ref, adds nothing and records the failure", async () => {
    const error = await addCatalogImage(admin, { ref: missing, name: "Missing" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      code: "validation_failed",
      fields: [{ path: "ref", message: expect.stringContaining("was not found in the registry") }],
    });
    expect(await db.catalogImage.findUnique({ where: { ref: missing } })).toBeNull();
    const event = await db.activityEvent.findFirst({ where: { action: "image.add", target: `image:${missing}` } });
    // The activity record says what it means too; the engine's own words are in the server log only.
    expect(event).toMatchObject({ outcome: "failed", reason: expect.stringContaining("was not found in the registry") });
  });

  it("an unreachable registry is validation_failed on ref, said as a sentence", async () => {
    const error = await addCatalogImage(admin, { ref: "127.0.0.1:5999/nobody/home:1", name: "Nobody" }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "validation_failed",
      fields: [{ path: "ref", message: "The registry 127.0.0.1:5999 could not be reached (it refused the connection)." }],
    });
  });

  it("bad input is validation_failed before anything is pulled", async () => {
    const error = await addCatalogImage(admin, { ref: "Not A Ref", name: "", extra: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "validation_failed" });
    expect((error as ServiceError).fields?.map((f) => f.path).sort()).toEqual(["extra", "name", "ref"]);
  });

  it("only admins add and remove; everyone signed in reads", async () => {
    const image = (await listCatalogImages(admin)).find((i) => i.ref === ref)!;
    for (const role of ["operator", "member"] as const) {
      const actor = await makeActor(role);
      expect(await codeOf(addCatalogImage(actor, { ref: missing, name: "Nope" }))).toBe("forbidden");
      expect(await codeOf(removeCatalogImage(actor, image.id))).toBe("forbidden");
      expect((await listCatalogImages(actor)).map((i) => i.ref)).toContain(ref);
    }
  });

  it("removes the entry, records it, keeps the image on the host; an unknown id is not_found", async () => {
    const image = (await listCatalogImages(admin)).find((i) => i.ref === ref)!;
    await removeCatalogImage(admin, image.id);
    expect(await db.catalogImage.findUnique({ where: { id: image.id } })).toBeNull();
    expect(await db.activityEvent.findFirst({ where: { action: "image.remove", target: `image:${ref}` } })).toMatchObject({ outcome: "allowed" });
    expect(await codeOf(removeCatalogImage(admin, image.id))).toBe("not_found");

    // Still on the host, so adding it back needs no pull.
    const events: PullProgress[] = [];
    const again = await addCatalogImage(admin, { ref, name: "Back" }, (p) => events.push(p));
    expect(again.present).toBe(true);
    expect(events).toEqual([{ layers: [], currentBytes: 0, totalBytes: 0, status: "Already on the host" }]);
    await removeCatalogImage(admin, again.id);
  });

  it("Pull again brings a catalog image gone from the host back, recorded; only admins; nothing is pulled when it is there", async () => {
    const image = await addCatalogImage(admin, { ref, name: "Pulled again" });
    execFileSync("docker", ["rmi", ref], { stdio: "pipe" });
    expect((await listCatalogImages(admin)).find((i) => i.id === image.id)).toMatchObject({ present: false });
    expect(await codeOf(pullCatalogImage(await makeActor("operator"), image.id))).toBe("forbidden");

    const events: PullProgress[] = [];
    const pulled = await pullCatalogImage(admin, image.id, (p) => events.push(p));
    expect(pulled).toEqual({ ...image, present: true });
    expect(pulled).not.toHaveProperty("missingOn");
    expect(events.at(-1)?.status).toContain("Downloaded newer image");
    const event = await db.activityEvent.findFirst({ where: { action: "image.pull", target: `image:${ref}` }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ outcome: "allowed", actorId: admin.userId });
    expect(JSON.parse(event!.details!)).toEqual({ ref, pulled: true });

    const again: PullProgress[] = [];
    await pullCatalogImage(admin, image.id, (p) => again.push(p));
    expect(again, "already on the host: no pull").toEqual([]);
    expect(await codeOf(pullCatalogImage(admin, "no-such-image"))).toBe("not_found");

    // The same through the API: POST /api/v1/images/{id}/pull.
    execFileSync("docker", ["rmi", ref], { stdio: "pipe" });
    const { token } = await createTokenForSelf(admin, { name: "pull-again", expiresInDays: 1 });
    const res = await pullRoute(
      new Request(`http://127.0.0.1/api/v1/images/${image.id}/pull`, { method: "POST", headers: { authorization: `Bearer ${token}` } }),
      { params: Promise.resolve({ imageId: image.id }) },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...image, present: true });
    await removeCatalogImage(admin, image.id);
  });
});
