import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { auth, expectHardened, removeAll, signIn, tenantWithOwner } from "./support";

/** The env of a container as the engine holds it (what Berth never shows). */
function engineEnv(tenantId: string, name: string): string[] {
  const id = execFileSync("docker", ["ps", "-q", "--filter", `label=berth.tenant=${tenantId}`, "--filter", `label=berth.name=${name}`], {
    encoding: "utf8",
  }).trim();
  return JSON.parse(execFileSync("docker", ["inspect", "--format", "{{json .Config.Env}}", id], { encoding: "utf8" })) as string[];
}

const SCREENSHOTS = process.env.BERTH_SCREENSHOT_DIR;

test("a member edits a container's memory and command in the browser and sees the new values; duplicate pre-fills the launch form", async ({
  page,
  request,
}) => {
  const a = await tenantWithOwner(request, "edit");
  try {
    const launched = await request.post(`/api/v1/tenants/${a.tenant.id}/containers`, {
      headers: auth(a.token),
      data: {
        name: "worker",
        image: "berth/shell:1",
        command: ["sh", "-c", "sleep 3600"],
        env: { GREETING: "kept-secret-value" },
        memoryMb: 64,
        cpuMillis: 100,
      },
    });
    expect(launched.status()).toBe(201);
    const { id } = (await launched.json()) as { id: string };

    await signIn(page, a.email, a.password);
    await page.goto(`/containers/${id}`);
    await page.getByRole("link", { name: "Edit and redeploy" }).click();
    await expect(page).toHaveURL(new RegExp(`/containers/${id}/edit$`));
    await expect(page.getByRole("heading", { name: "Edit worker" })).toBeVisible();
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue("worker");
    await expect(page.getByLabel("Name", { exact: true })).toHaveAttribute("readonly", "");
    await expect(page.getByLabel("Command")).toHaveValue("sh -c 'sleep 3600'");
    // The variable is listed by name; its value is never sent to the browser.
    await expect(page.getByLabel("Variable 1 name")).toHaveValue("GREETING");
    await expect(page.getByLabel("Variable 1 value")).toHaveValue("");
    await expect(page.getByLabel("Variable 1 value")).toHaveAttribute("placeholder", /unchanged/);
    expect(await page.content()).not.toContain("kept-secret-value");
    // Nothing overflows a phone's width (ui.md).
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/edit-1280.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/edit-390.png`, fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByLabel("Command").fill("sh -c 'echo edited; sleep 3600'");
    await page.getByLabel(/^Memory/).fill("96");
    await expect(page.getByText("Memory: 96 MB")).toBeVisible();
    await page.getByRole("button", { name: "Save and redeploy" }).click();

    await expect(page).toHaveURL(new RegExp(`/containers/${id}$`));
    await expect(page.getByRole("heading", { name: /worker/ })).toContainText("running");
    await expect(page.getByText("96 MB memory")).toBeVisible();
    await expect(page.getByText("sh -c echo edited; sleep 3600")).toBeVisible();
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/container-1280.png` });
    // The kept value reached the new container without passing through the browser.
    expect(engineEnv(a.tenant.id, "worker")).toContain("GREETING=kept-secret-value");
    const read = (await (await request.get(`/api/v1/containers/${id}`, { headers: auth(a.token) })).json()) as { memoryMb: number; status: string };
    expect(read).toMatchObject({ memoryMb: 96, status: "running" });
    expectHardened([id]);

    // The same edit through the API: PUT takes a launch request without name; null keeps a value.
    const put = (data: unknown, token = a.token) => request.put(`/api/v1/containers/${id}`, { headers: auth(token), data });
    const renamed = await put({ name: "other", image: "berth/shell:1", memoryMb: 96, cpuMillis: 100 });
    expect(renamed.status()).toBe(400);
    expect(await renamed.json()).toMatchObject({ error: { code: "validation_failed", fields: [{ path: "name" }] } });
    const other = await tenantWithOwner(request, "edit-other");
    expect((await put({ image: "berth/shell:1", memoryMb: 96, cpuMillis: 100 }, other.token)).status()).toBe(404);
    const viaApi = await put({
      image: "berth/shell:1",
      command: ["sh", "-c", "echo edited; sleep 3600"],
      env: { GREETING: null },
      memoryMb: 96,
      cpuMillis: 150,
    });
    expect(viaApi.status()).toBe(200);
    expect(await viaApi.json()).toMatchObject({ id, name: "worker", status: "running", cpuMillis: 150 });
    expect(engineEnv(a.tenant.id, "worker")).toContain("GREETING=kept-secret-value");
    const openapi = (await (await request.get("/api/v1/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(openapi.paths["/containers/{containerId}"]).toHaveProperty("put");
    await page.reload();

    // Duplicate: the launch form with this container's settings, a new name, env keys without values.
    await page.getByRole("link", { name: "Duplicate" }).click();
    await expect(page).toHaveURL(new RegExp(`/containers/new\\?from=${id}$`));
    await expect(page.getByRole("heading", { name: "Duplicate worker" })).toBeVisible();
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue("worker-copy");
    await expect(page.getByLabel("Command")).toHaveValue("sh -c 'echo edited; sleep 3600'");
    await expect(page.getByText("Memory: 96 MB")).toBeVisible();
    await expect(page.getByLabel("Variable 1 name")).toHaveValue("GREETING");
    await expect(page.getByLabel("Variable 1 value")).toHaveValue("");
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/duplicate-1280.png`, fullPage: true });
    await page.getByLabel("Variable 1 value").fill("copy-value");
    await page.getByRole("button", { name: "Launch" }).click();
    await expect(page).toHaveURL(/\/containers\/(?!new$)[a-z0-9]+$/);
    await expect(page.getByRole("heading", { name: /worker-copy/ })).toContainText("running");
    const copyId = new URL(page.url()).pathname.split("/").pop() ?? "";
    expect(copyId).not.toBe(id);
    expectHardened([id, copyId]);
  } finally {
    await removeAll(request, a.token, a.tenant.id);
  }
});
