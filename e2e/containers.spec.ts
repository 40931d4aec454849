import { expect, test } from "@playwright/test";
import { auth, expectHardened, getThroughEdge, removeAll, signIn, tenantWithOwner } from "./support";

test("a member launches the static web server, opens its URL, watches logs, stops and removes it; another tenant never sees it", async ({
  page,
  browser,
  request,
}) => {
  const a = await tenantWithOwner(request, "web");
  const b = await tenantWithOwner(request, "other");
  try {
    await signIn(page, a.email, a.password);
    await expect(page.getByText("No containers yet")).toBeVisible();
    await page.getByRole("link", { name: "Launch container" }).click();
    await expect(page.getByRole("heading", { name: "Launch a container" })).toBeVisible();
    await page.getByText("Static web server").click();
    await expect(page.getByLabel("Container ports")).toHaveValue("8080");
    await expect(page.getByLabel("Command")).toHaveValue(/httpd -f -v -p 8080/);

    // A bad name is refused under its field and nothing is created.
    await page.getByLabel("Name").fill("Not Valid");
    await page.getByRole("button", { name: "Launch" }).click();
    await expect(page.locator("#launch-name-error")).toContainText("lowercase");
    await expect(page.getByLabel("Container ports")).toHaveValue("8080");

    await page.getByLabel("Name").fill("site");
    await page.getByRole("button", { name: "Add variable" }).click();
    await page.getByLabel("Variable 1 name").fill("GREETING");
    await page.getByLabel("Variable 1 value").fill("planted-secret-value");
    await page.getByRole("button", { name: "Launch" }).click();

    // A launch returns once the container runs and passed the verifier; on Swarm that includes
    // the task being placed and its container checked on its node, so it may take a while.
    await expect(page).toHaveURL(/\/containers\/(?!new$)[a-z0-9]+$/, { timeout: 30_000 });
    await expect(page.getByRole("heading", { name: /site/ })).toContainText("running");
    await expect(page.getByText("GREETING")).toBeVisible();
    await expect(page.getByText("planted-secret-value")).toHaveCount(0);
    expectHardened([new URL(page.url()).pathname.split("/").pop() ?? ""]);
    // Served by the edge at the app's own name (opened in e2e/ingress.spec.ts, where the browser trusts Berth's CA).
    const link = page.getByRole("link", { name: new RegExp(`^https://site--${a.tenant.slug}\\.apps\\.berth\\.test:\\d+/$`) });
    await expect(link).toBeVisible();
    await expect(page.getByRole("link", { name: "download it" })).toHaveAttribute("href", "/api/v1/ingress/ca.crt");
    const served = await getThroughEdge(request, a.token, (await link.textContent()) ?? "");
    expect(served.body).toContain("Hello from Berth");

    await page.getByRole("link", { name: "Logs" }).click();
    await expect(page.getByRole("status").filter({ hasText: /Live|Paused|Connecting/ })).toBeVisible();
    await expect(page.getByLabel("Log output")).toContainText("response:200");

    await page.getByRole("link", { name: "Stats" }).click();
    await expect(page.getByText(/of 128 MB/)).toBeVisible();

    // The other tenant's owner cannot see it, in the UI or by id.
    const otherPage = await (await browser.newContext()).newPage();
    await signIn(otherPage, b.email, b.password);
    await expect(otherPage.getByText("site")).toHaveCount(0);
    const containerPath = new URL(page.url()).pathname;
    const res = await otherPage.goto(containerPath);
    expect(res?.status()).toBe(404);
    await otherPage.context().close();

    await page.getByRole("link", { name: "Overview" }).click();
    await page.getByRole("button", { name: "Stop" }).click();
    await expect(page.getByRole("heading", { name: /site/ })).toContainText("stopped");
    page.once("dialog", (dialog) => {
      expect(dialog.message()).toContain("site");
      void dialog.accept();
    });
    await page.getByRole("button", { name: "Remove" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByText("No containers yet")).toBeVisible();
  } finally {
    await removeAll(request, a.token, a.tenant.id);
    await removeAll(request, b.token, b.tenant.id);
  }
});

test("containers through the REST API: launch, read, stop, start, logs, stats, remove; other tenants get 404 everywhere", async ({ request }) => {
  const a = await tenantWithOwner(request, "api");
  const b = await tenantWithOwner(request, "intruder");
  try {
    const images = await (await request.get("/api/v1/images", { headers: auth(a.token) })).json();
    const shell = images.items.find((i: { ref: string }) => i.ref === "berth/shell:1");
    const launched = await request.post(`/api/v1/tenants/${a.tenant.id}/containers`, {
      headers: auth(a.token),
      data: { name: "job", imageId: shell.id, command: ["sh", "-c", "echo started; sleep 3600"], memoryMb: 32, cpuMillis: 100 },
    });
    expect(launched.status()).toBe(201);
    const c = await launched.json();
    expect(c).toMatchObject({ name: "job", tenantId: a.tenant.id, status: "running", image: "berth/shell:1", ports: [] });

    const unknown = await request.post(`/api/v1/tenants/${a.tenant.id}/containers`, {
      headers: auth(a.token),
      data: { name: "evil", imageId: shell.id, memoryMb: 32, cpuMillis: 100, HostConfig: { Privileged: true } },
    });
    expect(unknown.status()).toBe(400);
    expect((await unknown.json()).error.fields).toEqual([{ path: "HostConfig", message: expect.stringContaining("HostConfig") }]);
    const policy = await request.post(`/api/v1/tenants/${a.tenant.id}/containers`, {
      headers: auth(a.token),
      data: { name: "kernel", imageId: shell.id, memoryMb: 32, cpuMillis: 100, volumes: [{ volume: "data", path: "/sys/fs" }] },
    });
    expect(policy.status()).toBe(422);
    expect((await policy.json()).error).toMatchObject({ code: "policy_violation", fields: [expect.objectContaining({ path: "volumes[0].path" })] });

    expect((await (await request.get(`/api/v1/containers/${c.id}`, { headers: auth(a.token) })).json()).status).toBe("running");
    let logs = "";
    for (let i = 0; i < 20 && !logs.includes("started"); i++) {
      logs = await (await request.get(`/api/v1/containers/${c.id}/logs?tail=10`, { headers: auth(a.token) })).text();
    }
    expect(logs).toContain("started");
    const badQuery = await request.get(`/api/v1/containers/${c.id}/logs?tail=10&since=yesterday`, { headers: auth(a.token) });
    expect(badQuery.status()).toBe(400);
    const stats = await (await request.get(`/api/v1/containers/${c.id}/stats`, { headers: auth(a.token) })).json();
    expect(stats).toMatchObject({ memoryLimitBytes: 32 * 2 ** 20, pids: expect.any(Number), cpuPercent: expect.any(Number) });
    expect((await (await request.post(`/api/v1/containers/${c.id}/stop`, { headers: auth(a.token) })).json()).status).toBe("stopped");
    expect((await (await request.post(`/api/v1/containers/${c.id}/start`, { headers: auth(a.token) })).json()).status).toBe("running");

    for (const [method, path] of [
      ["get", `/api/v1/containers/${c.id}`],
      ["get", `/api/v1/containers/${c.id}/logs`],
      ["get", `/api/v1/containers/${c.id}/stats`],
      ["post", `/api/v1/containers/${c.id}/stop`],
      ["post", `/api/v1/containers/${c.id}/start`],
      ["post", `/api/v1/containers/${c.id}/restart`],
      ["delete", `/api/v1/containers/${c.id}`],
      ["get", `/api/v1/tenants/${a.tenant.id}/containers`],
      ["get", `/api/v1/tenants/${a.tenant.id}/volumes`],
    ] as const) {
      const res = await request[method](path, { headers: auth(b.token) });
      expect(res.status(), `${method} ${path}`).toBe(404);
    }
    const volume = await (await request.post(`/api/v1/tenants/${a.tenant.id}/volumes`, { headers: auth(a.token), data: { name: "data" } })).json();
    expect((await request.delete(`/api/v1/volumes/${volume.id}`, { headers: auth(b.token) })).status()).toBe(404);
    expect((await request.delete(`/api/v1/volumes/${volume.id}`, { headers: auth(a.token) })).status()).toBe(204);

    expect((await request.delete(`/api/v1/containers/${c.id}`, { headers: auth(a.token) })).status()).toBe(204);
    expect((await request.get(`/api/v1/containers/${c.id}`, { headers: auth(a.token) })).status()).toBe(404);
  } finally {
    await removeAll(request, a.token, a.tenant.id);
  }
});
