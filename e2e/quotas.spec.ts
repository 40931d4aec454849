import { execFileSync } from "node:child_process";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { apiToken, auth, expectHardened, removeAll, signIn, tenantWithOwner, uniq } from "./support";

const base = { maxContainers: 10, maxMemoryMb: 2048, maxCpuMillis: 4000, maxVolumes: 10 };

/** Berth's containers of a tenant as the daemon lists them, by the tenant label. */
function daemonContainers(tenantId: string): string[] {
  return execFileSync("docker", ["ps", "-aq", "--filter", `label=berth.tenant=${tenantId}`], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
}

async function shellImageId(request: APIRequestContext, token: string): Promise<string> {
  const images = await (await request.get("/api/v1/images", { headers: auth(token) })).json();
  return images.items.find((i: { ref: string }) => i.ref === "berth/shell:1").id;
}

/** Where screenshots for review go (BERTH_SHOTS_DIR), else the test's own output folder. */
const shot = (name: string) => (process.env.BERTH_SHOTS_DIR ? `${process.env.BERTH_SHOTS_DIR}/${name}.png` : test.info().outputPath(`${name}.png`));

for (const { limit, quota, memoryMb } of [
  { limit: "maxContainers", quota: { maxContainers: 5 }, memoryMb: 16 },
  { limit: "maxMemoryMb", quota: { maxMemoryMb: 80 }, memoryMb: 16 },
]) {
  test(`20 parallel launches through the API against ${limit} for 5: 5 containers on the daemon, 15 × 409 quota_exceeded`, async ({ request }) => {
    const t = await tenantWithOwner(request, "race");
    try {
      expect((await request.put(`/api/v1/tenants/${t.tenant.id}/quota`, { headers: auth(t.adminToken), data: { ...base, ...quota } })).status()).toBe(
        200,
      );
      const imageId = await shellImageId(request, t.token);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          request.post(`/api/v1/tenants/${t.tenant.id}/containers`, {
            headers: auth(t.token),
            data: { name: `r${i}`, imageId, command: ["sleep", "3600"], memoryMb, cpuMillis: 50 },
          }),
        ),
      );
      const statuses = answers.map((a) => a.status());
      expect(statuses.filter((s) => s === 201)).toHaveLength(5);
      expect(statuses.filter((s) => s === 409)).toHaveLength(15);
      for (const a of answers.filter((a) => a.status() === 409)) {
        const { error } = await a.json();
        expect(error.code).toBe("quota_exceeded");
        expect(error.message).toContain(`(${limit})`);
      }
      const ids = await Promise.all(answers.filter((a) => a.status() === 201).map(async (a) => (await a.json()).id as string));
      expect(daemonContainers(t.tenant.id)).toHaveLength(5);
      expectHardened(ids);
      const usage = await (await request.get(`/api/v1/tenants/${t.tenant.id}/usage`, { headers: auth(t.token) })).json();
      expect(usage.used).toMatchObject({ containers: 5, memoryMb: 5 * memoryMb });
    } finally {
      await removeAll(request, t.token, t.tenant.id);
    }
  });
}

test("quota, usage, policy and defaults through the API: only admins change them", async ({ request }) => {
  const t = await tenantWithOwner(request, "api");
  const operator = { email: `${uniq("op")}@e2e.berth`, password: "operator-password-1" };
  expect((await request.post("/api/v1/users", { headers: auth(t.adminToken), data: { ...operator, role: "operator" } })).status()).toBe(201);
  const operatorToken = await apiToken(request, operator.email, operator.password);
  for (const token of [t.token, operatorToken]) {
    const quota = await request.put(`/api/v1/tenants/${t.tenant.id}/quota`, { headers: auth(token), data: { ...base, maxContainers: 99 } });
    expect(quota.status()).toBe(403);
    expect((await quota.json()).error.code).toBe("forbidden");
    expect(
      (
        await request.put(`/api/v1/tenants/${t.tenant.id}/policy`, { headers: auth(token), data: { allowWritableRootfs: true, allowOutbound: true } })
      ).status(),
    ).toBe(403);
    expect(
      (
        await request.put("/api/v1/quota-defaults", {
          headers: auth(token),
          data: { ...base, maxContainerMemoryMb: 512, maxContainerCpuMillis: 1000 },
        })
      ).status(),
    ).toBe(403);
  }
  const usage = await (await request.get(`/api/v1/tenants/${t.tenant.id}/usage`, { headers: auth(operatorToken) })).json();
  expect(usage).toEqual({
    quota: expect.objectContaining({ maxContainers: expect.any(Number) }),
    used: { containers: 0, memoryMb: 0, cpuMillis: 0, volumes: 0 },
  });
  expect(usage.quota.maxContainers).not.toBe(99);
  const unknown = await request.put(`/api/v1/tenants/${t.tenant.id}/quota`, { headers: auth(t.adminToken), data: { ...base, maxPids: 5 } });
  expect(unknown.status()).toBe(400);
  const policy = await request.put(`/api/v1/tenants/${t.tenant.id}/policy`, {
    headers: auth(t.adminToken),
    data: { allowedCapabilities: ["NET_BIND_SERVICE"], allowWritableRootfs: false, allowOutbound: true },
  });
  expect(await policy.json()).toEqual({ allowedCapabilities: ["NET_BIND_SERVICE"], allowWritableRootfs: false, allowOutbound: true });
  const defaults = await (await request.get("/api/v1/quota-defaults", { headers: auth(t.adminToken) })).json();
  expect(defaults).toMatchObject({ maxContainers: expect.any(Number), maxContainerMemoryMb: expect.any(Number) });
});

test("an admin sets a tenant's quota; the member's launch form shows what is left and a launch beyond it shows the quota error", async ({
  page,
  browser,
  request,
}) => {
  const t = await tenantWithOwner(request, "quota");
  try {
    // Usage to leave something less than a launch needs: 64 of the 72 MB set below.
    const running = await request.post(`/api/v1/tenants/${t.tenant.id}/containers`, {
      headers: auth(t.token),
      data: { name: "existing", imageId: await shellImageId(request, t.token), command: ["sleep", "3600"], memoryMb: 64, cpuMillis: 100 },
    });
    expect(running.status()).toBe(201);
    expectHardened([(await running.json()).id]);

    await signIn(page, process.env.BERTH_ADMIN_EMAIL ?? "admin@e2e.berth", process.env.BERTH_ADMIN_PASSWORD ?? "e2e-admin-password");
    await page.goto(`/tenants/${t.tenant.id}`);
    const form = page.getByRole("form", { name: "Tenant quota" });
    await form.getByLabel("Total memory (MB)").fill("72");
    await form.getByLabel("Memory per container (MB)").fill("8");
    await form.getByRole("button", { name: "Save quota" }).click();
    await expect(page.locator("#quota-maxContainerMemoryMb-error")).toContainText("at least 16 MB");
    await expect(form.getByLabel("Total memory (MB)")).toHaveValue("72");
    await form.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot("tenant-quota-form-error"), fullPage: true });
    await form.getByLabel("Memory per container (MB)").fill("512");
    await form.getByRole("button", { name: "Save quota" }).click();
    await expect(form.getByText("Quota saved.")).toBeVisible();
    await expect(page.getByText("64 of 72 MB")).toBeVisible();

    const member = await (await browser.newContext()).newPage();
    await signIn(member, t.email, t.password);
    await expect(member.getByText("64 of 72 MB")).toBeVisible();
    await member.goto("/containers/new");
    await expect(member.locator("#launch-memory-hint")).toContainText("8 of 72 MB left");
    await member.getByText("Static web server").click();
    await member.getByLabel("Name").fill("one-too-many");
    await member.getByRole("button", { name: "Launch" }).click();
    const error = member.getByRole("alert").filter({ hasText: "Memory quota exceeded (maxMemoryMb)" });
    await expect(error).toContainText("this needs 16 MB, but the tenant uses 64 of 72 MB, 8 MB left");
    await member.screenshot({ path: shot("launch-form-quota-error"), fullPage: true });
    await member.context().close();

    // Lowered below usage: nothing stops; the admin list marks the tenant over quota, first.
    expect(
      (
        await request.put(`/api/v1/tenants/${t.tenant.id}/quota`, {
          headers: auth(t.adminToken),
          data: { ...base, maxContainers: 0, maxMemoryMb: 72 },
        })
      ).status(),
    ).toBe(200);
    await page.goto("/tenants");
    const row = page.getByRole("row").filter({ hasText: t.tenant.slug });
    await expect(row.getByText("over quota", { exact: true })).toBeVisible();
    await expect(page.getByRole("row").nth(1)).toContainText(t.tenant.slug);
    await page.screenshot({ path: shot("tenants-list-usage"), fullPage: true });
    const containers = await (await request.get(`/api/v1/tenants/${t.tenant.id}/containers`, { headers: auth(t.token) })).json();
    expect(containers.items.map((c: { status: string }) => c.status)).toEqual(["running"]);
  } finally {
    await removeAll(request, t.token, t.tenant.id);
  }
});
