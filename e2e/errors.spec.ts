import { expect, test } from "@playwright/test";
import { admin, auth, removeAll, signIn, tenantWithOwner } from "./support";

// Errors said in the form's words, the first bad field focused, Launch refused before it is
// tried when nothing is left, and the engine's failures as sentences (issue 16, item 6).

test("a bad port is named as the form names it, under its field, which is focused with what was typed", async ({ page, request }) => {
  const t = await tenantWithOwner(request, "errs");
  try {
    await signIn(page, t.email, t.password);
    await page.goto("/containers/new");
    await page.getByText("Static web server").click();
    await page.getByLabel("Name").fill("site");
    await page.getByLabel("Container ports").fill("web");
    await page.getByRole("button", { name: "Launch" }).focus();
    await page.getByRole("button", { name: "Launch" }).click();
    const error = page.locator("#launch-ports-error");
    await expect(error).toHaveText("Port 1: enter a whole number from 1 to 65535");
    await expect(error).not.toContainText("ports[");
    await expect(error).not.toContainText("got null");
    await expect(page.getByLabel("Container ports")).toBeFocused();
    await expect(page.getByLabel("Container ports")).toHaveValue("web");
    await expect(page.getByLabel("Name")).toHaveValue("site");
  } finally {
    await removeAll(request, t.token, t.tenant.id);
  }
});

test("a bad variable name is named by the variable, and its name box is focused", async ({ page, request }) => {
  const t = await tenantWithOwner(request, "erre");
  try {
    await signIn(page, t.email, t.password);
    await page.goto("/containers/new");
    await page.getByText("Static web server").click();
    await page.getByLabel("Name").fill("site");
    await page.getByRole("button", { name: "Add variable" }).click();
    await page.getByLabel("Variable 1 name").fill("1GREETING");
    await page.getByLabel("Variable 1 value").fill("hello");
    await page.getByRole("button", { name: "Launch" }).click();
    await expect(page.locator("#env-error")).toHaveText('Variable 1GREETING: use letters, digits and "_" in the name, not starting with a digit');
    await expect(page.getByLabel("Variable 1 name")).toBeFocused();
    await expect(page.getByLabel("Variable 1 name")).toHaveValue("1GREETING");
  } finally {
    await removeAll(request, t.token, t.tenant.id);
  }
});

test("a volume's bad mount path is named by its row and that row's path is focused", async ({ page, request }) => {
  const t = await tenantWithOwner(request, "errv");
  try {
    await signIn(page, t.email, t.password);
    await page.goto("/containers/new");
    await page.getByText("Static web server").click();
    await page.getByLabel("Name").fill("site");
    await page.getByRole("button", { name: "Add volume" }).click();
    await page.getByLabel("New volume 1 name").fill("data");
    await page.getByLabel("Volume 1 mount path").fill("www");
    await page.getByRole("button", { name: "Launch" }).click();
    await expect(page.locator("#volumes-error")).toHaveText('Volume 1, mount path: must be an absolute path starting with "/"');
    await expect(page.getByLabel("Volume 1 mount path")).toBeFocused();
    await expect(page.getByLabel("Volume 1 mount path")).toHaveValue("www");
  } finally {
    await removeAll(request, t.token, t.tenant.id);
  }
});

test("with no container left, Launch is disabled with the reason and what to do; an edit is not", async ({ page, request }) => {
  const t = await tenantWithOwner(request, "full");
  try {
    const images = await (await request.get("/api/v1/images", { headers: auth(t.token) })).json();
    const imageId = images.items.find((i: { ref: string }) => i.ref === "berth/shell:1").id;
    const running = await request.post(`/api/v1/tenants/${t.tenant.id}/containers`, {
      headers: auth(t.token),
      data: { name: "only", imageId, command: ["sleep", "3600"], memoryMb: 16, cpuMillis: 50 },
    });
    expect(running.status()).toBe(201);
    const quota = { maxContainers: 1, maxMemoryMb: 2048, maxCpuMillis: 4000, maxVolumes: 10 };
    expect((await request.put(`/api/v1/tenants/${t.tenant.id}/quota`, { headers: auth(t.adminToken), data: quota })).status()).toBe(200);

    await signIn(page, t.email, t.password);
    await page.goto("/containers/new");
    const launch = page.getByRole("button", { name: "Launch" });
    await expect(launch).toBeDisabled();
    await expect(launch).toHaveAccessibleDescription(
      /has used all 1 of its containers.*Remove one of its containers, or ask an administrator for a bigger quota/,
    );
    await expect(page.getByText("ask an administrator for a bigger quota")).toBeVisible();

    // An edit replaces the container: it needs no container of its own.
    await page.goto(`/containers/${(await running.json()).id}/edit`);
    await expect(page.getByRole("button", { name: "Save and redeploy" })).toBeEnabled();
    await expect(page.getByText("ask an administrator for a bigger quota")).toHaveCount(0);
  } finally {
    await removeAll(request, t.token, t.tenant.id);
  }
});

test("an image from a registry that cannot be reached says so in a sentence, not in the engine's words", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await page.goto("/images");
  await page.getByLabel("Image reference").fill("registry.invalid/berth/none:1");
  await page.getByLabel("Display name").fill("Unreachable");
  await page.getByRole("button", { name: "Add image" }).click();
  const error = page.locator("#image-ref-error");
  await expect(error).toContainText("The registry registry.invalid", { timeout: 60_000 });
  await expect(error).toContainText("could not be reached");
  await expect(error).not.toContainText("lookup");
  await expect(error).not.toContainText("dial tcp");
  await expect(page.getByRole("main")).not.toContainText(":53");

  // A reference has no spaces to break at: at 390 px its error still wraps inside the screen.
  await page.setViewportSize({ width: 390, height: 800 });
  const long = `registry.invalid/berth/${"a-repository-name-without-any-spaces-".repeat(3)}end:1`;
  await page.getByLabel("Image reference").fill(long);
  await page.getByRole("button", { name: "Add image" }).click();
  await expect(page.getByRole("button", { name: "Add image" })).toBeEnabled({ timeout: 60_000 });
  await expect(error).toContainText("could not be reached");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
