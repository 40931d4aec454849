import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { runVolumeHelper } from "@/lib/docker/volume-files";
import { inspectWorkload } from "@/lib/docker/workloads";
import { seedStarterCatalog } from "@/lib/services/catalog-seed";
import { launchContainer } from "@/lib/services/launch-container";
import { listVolumeFiles, uploadVolumeFiles } from "@/lib/services/volume-files";
import { createTokenForSelf } from "@/lib/services/tokens";
import { createVolume } from "@/lib/services/volumes";
import * as filesRoute from "@/app/api/v1/volumes/[volumeId]/files/route";
import { codeOf, dockerObjectsOfRun, eventually, makeActor } from "./fixtures";
import { cleanUpTenant, expectHardened, tenantWithOwner, type TestTenant } from "./tenancy";

const file = (name: string, content: string | Uint8Array<ArrayBuffer>) => new File([content], name);

let a: TestTenant;
let b: TestTenant;
let volumeId: string;
let dockerName: string;

beforeAll(async () => {
  await seedStarterCatalog();
  [a, b] = [await tenantWithOwner("files-a"), await tenantWithOwner("files-b")];
  volumeId = (await createVolume(a.owner, a.id, { name: "site" })).id;
  dockerName = (await db.volume.findUniqueOrThrow({ where: { id: volumeId } })).dockerName;
});

afterAll(async () => {
  await cleanUpTenant(a);
  await cleanUpTenant(b);
});

const helpersLeft = () =>
  execFileSync(
    "docker",
    ["ps", "-aq", "--filter", `label=berth.test=${process.env.BERTH_TEST_RUN_ID}`, "--filter", "label=berth.role=volume-files"],
    {
      encoding: "utf8",
    },
  ).trim();

async function lastEvent(action: string) {
  return db.activityEvent.findFirstOrThrow({ where: { action }, orderBy: { seq: "desc" } });
}

describe("files in a tenant volume (real daemon)", () => {
  it("an uploaded index.html is served by the static web server at /www, which turns healthy", async () => {
    const uploaded = await uploadVolumeFiles(a.owner, volumeId, { files: [file("index.html", "<h1>Uploaded through Berth</h1>")] });
    expect(uploaded.items).toEqual([expect.objectContaining({ path: "index.html", type: "file", size: 31 })]);
    expect(helpersLeft(), "the helper is removed after the upload").toBe("");

    const event = await lastEvent("volume.upload");
    expect(event).toMatchObject({ outcome: "allowed", tenantId: a.id, target: "volume:site" });
    expect(JSON.parse(event.details ?? "{}")).toMatchObject({ files: [{ path: "index.html", size: 31 }] });

    const listing = await listVolumeFiles(a.owner, volumeId);
    expect(listing.items).toEqual([{ path: "index.html", type: "file", size: 31, modifiedAt: expect.any(String) }]);
    expect(helpersLeft()).toBe("");

    const web = await launchContainer(a.owner, a.id, {
      name: "site",
      image: "berth/static-web:1",
      ports: [{ container: 8080, expose: "port" }],
      volumes: [{ volume: "site", path: "/www", readOnly: true }],
      memoryMb: 32,
      cpuMillis: 100,
    });
    await expectHardened(web.id);
    const body = await eventually(
      () =>
        fetch(`http://127.0.0.1:${web.ports[0].hostPort}/`)
          .then((r) => r.text())
          .catch(() => ""),
      (text) => text.includes("Uploaded through Berth"),
    );
    expect(body).toContain("Uploaded through Berth");
    const row = await db.container.findUniqueOrThrow({ where: { id: web.id } });
    const health = await eventually(
      async () => (await inspectWorkload(a.id, row.dockerId ?? ""))?.State?.Health?.Status,
      (status) => status === "healthy",
      30_000,
    );
    expect(health).toBe("healthy");
  }, 60_000);

  it("the files belong to the tenant's uid, and a folder in the path is created", async () => {
    await uploadVolumeFiles(a.owner, volumeId, { folder: "css", files: [file("site.css", "body{}")] });
    const run = await runVolumeHelper({ id: a.id, uid: a.uid }, dockerName, [
      "sh",
      "-c",
      "stat -c '%u:%g %n' /volume/index.html /volume/css /volume/css/site.css",
    ]);
    expect(run.stdout.trim().split("\n")).toEqual([
      `${a.uid}:${a.uid} /volume/index.html`,
      `${a.uid}:${a.uid} /volume/css`,
      `${a.uid}:${a.uid} /volume/css/site.css`,
    ]);
  });

  it("the helper runs as the tenant's uid without capabilities, network or a writable root, checked before it starts (lib/policy/helper-options.test.ts covers the checks)", async () => {
    const run = await runVolumeHelper({ id: a.id, uid: a.uid }, dockerName, [
      "sh",
      "-c",
      "id -u; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; ls /sys/class/net; touch /x 2>&1; true",
    ]);
    expect(run.stdout).toContain(String(a.uid));
    expect(run.stdout).toMatch(/CapEff:\s+0000000000000000/);
    expect(run.stdout).toMatch(/NoNewPrivs:\s+1/);
    expect(run.stdout).not.toMatch(/eth0/);
    expect(run.stdout).toMatch(/Read-only file system/);
    expect(dockerObjectsOfRun().containers.filter((id) => id.startsWith(run.containerId.slice(0, 12)))).toEqual([]);
  });

  it("refuses a path out of the volume, an oversized file and another tenant's volume, and records each", async () => {
    expect(await codeOf(uploadVolumeFiles(a.owner, volumeId, { files: [file("../x", "escape")] }))).toBe("validation_failed");
    expect((await lastEvent("volume.upload")).outcome).toBe("denied");
    expect((await lastEvent("volume.upload")).reason).toContain('".." is not allowed');

    expect(await codeOf(uploadVolumeFiles(a.owner, volumeId, { folder: "/etc", files: [file("passwd", "x")] }))).toBe("validation_failed");

    const big = new Uint8Array(config().uploadMaxFileBytes + 1);
    expect(await codeOf(uploadVolumeFiles(a.owner, volumeId, { files: [file("big.bin", big)] }))).toBe("validation_failed");
    expect((await lastEvent("volume.upload")).reason).toMatch(/files may be at most/);

    expect(await codeOf(uploadVolumeFiles(b.owner, volumeId, { files: [file("index.html", "defaced")] }))).toBe("not_found");
    const foreign = await lastEvent("volume.upload");
    expect(foreign).toMatchObject({ outcome: "denied", actorId: b.owner.userId, tenantId: null });
    expect(await codeOf(listVolumeFiles(b.owner, volumeId))).toBe("not_found");

    // A member of the tenant reads the listing but may not upload.
    const member = await makeActor("member", [{ tenantId: a.id, role: "member" }]);
    expect((await listVolumeFiles(member, volumeId)).items.map((f) => f.path)).toContain("index.html");
    expect(await codeOf(uploadVolumeFiles(member, volumeId, { files: [file("index.html", "x")] }))).toBe("forbidden");

    // A suspended tenant runs nothing, the helper included.
    await db.tenant.update({ where: { id: a.id }, data: { suspended: true } });
    try {
      expect(await codeOf(uploadVolumeFiles(a.owner, volumeId, { files: [file("index.html", "x")] }))).toBe("conflict");
    } finally {
      await db.tenant.update({ where: { id: a.id }, data: { suspended: false } });
    }
    expect(helpersLeft()).toBe("");
  });

  it("does not write through a symlink a tenant container left in the volume", async () => {
    await runVolumeHelper({ id: a.id, uid: a.uid }, dockerName, ["sh", "-c", "ln -s /etc /volume/etc-link"], Buffer.alloc(0));
    expect(await codeOf(uploadVolumeFiles(a.owner, volumeId, { folder: "etc-link", files: [file("passwd", "x")] }))).toBe("conflict");
    const event = await lastEvent("volume.upload");
    expect(event).toMatchObject({ outcome: "denied" });
    expect(event.reason).toContain("symbolic link");
    const listing = await listVolumeFiles(a.owner, volumeId);
    expect(listing.items.find((f) => f.path === "etc-link")).toMatchObject({ type: "symlink" });
    expect(helpersLeft()).toBe("");
  });

  it("the API takes a multipart upload with a token and lists the files; a JSON body or an unknown field is refused", async () => {
    const { token } = await createTokenForSelf(a.owner, { name: "files", expiresInDays: 1 });
    const ctx = { params: Promise.resolve({ volumeId }) };
    const auth = { authorization: `Bearer ${token}` };
    const body = new FormData();
    body.append("file", new File(["hello api"], "api.txt"));
    body.set("folder", "docs");
    const created = await filesRoute.POST(new Request("http://127.0.0.1/x", { method: "POST", headers: auth, body }), ctx);
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ items: [expect.objectContaining({ path: "docs/api.txt", size: 9 })] });
    const listed = await filesRoute.GET(new Request("http://127.0.0.1/x", { headers: auth }), ctx);
    expect((await listed.json()).items.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(["docs", "docs/api.txt", "index.html"]));

    const json = await filesRoute.POST(
      new Request("http://127.0.0.1/x", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{}" }),
      ctx,
    );
    expect(json.status).toBe(400);
    const extra = new FormData();
    extra.append("file", new File(["x"], "x.txt"));
    extra.set("owner", "0");
    const refused = await filesRoute.POST(new Request("http://127.0.0.1/x", { method: "POST", headers: auth, body: extra }), ctx);
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.fields).toEqual([{ path: "owner", message: 'unknown field "owner"' }]);
  });
});
