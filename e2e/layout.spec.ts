import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { admin, auth, removeAll, signIn, tenantWithOwner, uniq } from "./support";
import { pushFreshImage, removeTestImage } from "../test/support/registry-image";

// ui.md: "Works at 1280 px and stays usable at 390 px", "No layout shift on live updates",
// "Nothing overflows a 390 px screen".

const shot = (name: string) => (process.env.BERTH_SHOTS_DIR ? `${process.env.BERTH_SHOTS_DIR}/${name}.png` : test.info().outputPath(`${name}.png`));
const NARROW = { width: 390, height: 800 };

async function shellImageId(request: APIRequestContext, token: string): Promise<string> {
  const images = (await (await request.get("/api/v1/images", { headers: auth(token) })).json()) as { items: { id: string; ref: string }[] };
  return images.items.find((i) => i.ref === "berth/shell:1")?.id ?? "";
}

/** A running container with a named volume, launched by the tenant's owner through the API. */
async function launch(request: APIRequestContext, token: string, tenantId: string, name: string) {
  const res = await request.post(`/api/v1/tenants/${tenantId}/containers`, {
    headers: auth(token),
    data: {
      name,
      imageId: await shellImageId(request, token),
      command: ["sleep", "3600"],
      memoryMb: 32,
      cpuMillis: 100,
      ports: [{ container: 8080 }],
      volumes: [{ volume: `${name}-data`, path: "/data", create: true }],
    },
  });
  expect(res.status()).toBe(201);
  return (await res.json()) as { id: string };
}

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
const top = async (locator: Locator) => (await locator.boundingBox())?.y;

test("at 390 px no page is wider than the screen", async ({ browser, request }) => {
  const t = await tenantWithOwner(request, "narrow");
  try {
    const c = await launch(request, t.token, t.tenant.id, "a-rather-long-container-name");
    const adminPage = await (await browser.newContext({ viewport: NARROW })).newPage();
    await signIn(adminPage, admin.email, admin.password);
    for (const path of ["/tenants", `/tenants/${t.tenant.id}`, "/users", "/images", "/activity", "/health", "/settings/tokens"]) {
      await adminPage.goto(path);
      await adminPage.waitForLoadState("networkidle");
      await adminPage.screenshot({ path: shot(`admin${path.replace(/\//g, "_")}-390`), fullPage: true });
      expect(await pageWidth(adminPage), path).toBeLessThanOrEqual(390);
    }
    await adminPage.context().close();

    const owner = await (await browser.newContext({ viewport: NARROW })).newPage();
    await signIn(owner, t.email, t.password);
    for (const path of ["/dashboard", "/volumes", "/containers/new", `/containers/${c.id}`, "/settings/tokens"]) {
      await owner.goto(path);
      await owner.waitForLoadState("networkidle");
      await owner.screenshot({ path: shot(`owner${path.replace(/\//g, "_")}-390`), fullPage: true });
      expect(await pageWidth(owner), path).toBeLessThanOrEqual(390);
    }
    await owner.context().close();
  } finally {
    await removeAll(request, t.token, t.tenant.id);
  }
});

test("at 390 px the dashboard keeps each container's name and status in view, whatever its image", async ({ browser, request }) => {
  // An image from a registry has a long reference (needs scripts/ensure-registry.sh, as npm test runs it).
  const ref = pushFreshImage("berth-e2e/a-team/web-application", 100_000);
  const t = await tenantWithOwner(request, "keycols");
  const added = await request.post("/api/v1/images", { headers: auth(t.adminToken), data: { ref, name: uniq("Registry app") } });
  expect(added.status()).toBe(201);
  const image = (await added.json()) as { id: string };
  try {
    const launched = await request.post(`/api/v1/tenants/${t.tenant.id}/containers`, {
      headers: auth(t.token),
      data: { name: "a-rather-long-container-name", imageId: image.id, command: ["sleep", "3600"], memoryMb: 32, cpuMillis: 100 },
    });
    expect(launched.status()).toBe(201);
    const owner = await (await browser.newContext({ viewport: NARROW })).newPage();
    await signIn(owner, t.email, t.password);
    await owner.goto("/dashboard");
    await owner.screenshot({ path: shot("dashboard-registry-image-390"), fullPage: true });
    const row = owner.getByRole("row", { name: /a-rather-long-container-name/ });
    for (const cell of [row.getByRole("link", { name: "a-rather-long-container-name" }), row.getByText("running")]) {
      await expect(cell).toBeInViewport({ ratio: 1 });
      const box = await cell.boundingBox();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    }
    await owner.context().close();
  } finally {
    await removeAll(request, t.token, t.tenant.id);
    await request.delete(`/api/v1/images/${image.id}`, { headers: auth(t.adminToken) });
    await removeTestImage(ref);
  }
});

test("at 390 px the navigation bar is as tall as its links on a short page as on a long one", async ({ page }) => {
  await page.setViewportSize(NARROW);
  await signIn(page, admin.email, admin.password);
  await page.goto("/settings/tokens");
  const nav = page.getByRole("navigation", { name: "Main" });
  const links = nav.getByRole("link");
  const lastLink = await links.nth((await links.count()) - 1).boundingBox();
  const navBox = await nav.boundingBox();
  // The bar ends just under its last row of links (its own padding), not halfway down the screen.
  expect((navBox?.y ?? 0) + (navBox?.height ?? 0)).toBeLessThanOrEqual((lastLink?.y ?? 0) + (lastLink?.height ?? 0) + 16);
  await page.setViewportSize({ width: 390, height: 1600 });
  expect((await nav.boundingBox())?.height).toBe(navBox?.height);
});

test("the Verify result and an action's error appear without moving the page", async ({ browser, request }) => {
  const t = await tenantWithOwner(request, "still");
  try {
    const c = await launch(request, t.token, t.tenant.id, "steady");
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 800 },
    ]) {
      const adminPage = await (await browser.newContext({ viewport })).newPage();
      await signIn(adminPage, admin.email, admin.password);
      await adminPage.goto("/activity");
      const below = adminPage.getByText("Archive old events");
      const before = await top(below);
      await adminPage.getByRole("button", { name: "Verify chain" }).click();
      const result = adminPage.getByRole("status").filter({ hasText: /Chain intact: [\d,]+ events checked/ });
      await expect(result).toBeVisible();
      await expect(result).toBeInViewport({ ratio: 1 });
      expect(await top(below)).toBe(before);
      await adminPage.screenshot({ path: shot(`activity-verified-${viewport.width}`) });
      expect(await pageWidth(adminPage)).toBeLessThanOrEqual(viewport.width);
      await adminPage.getByRole("button", { name: "Dismiss message" }).click();
      await expect(adminPage.getByText(/Chain intact/)).toHaveCount(0);
      await adminPage.context().close();
    }

    // A suspended tenant's container cannot be restarted: the refusal shows by the buttons.
    expect((await request.patch(`/api/v1/tenants/${t.tenant.id}`, { headers: auth(t.adminToken), data: { suspended: true } })).status()).toBe(200);
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 800 },
    ]) {
      const owner = await (await browser.newContext({ viewport })).newPage();
      await signIn(owner, t.email, t.password);
      await owner.goto(`/containers/${c.id}`);
      const tabs = owner.getByRole("navigation", { name: "Container sections" });
      const before = await top(tabs);
      await owner.getByRole("button", { name: "Restart" }).click();
      const refusal = owner.getByRole("alert").filter({ hasText: "This tenant is suspended" });
      await expect(refusal).toBeVisible();
      await expect(refusal).toBeInViewport({ ratio: 1 });
      expect(await top(tabs)).toBe(before);
      await owner.screenshot({ path: shot(`container-action-error-${viewport.width}`) });
      expect(await pageWidth(owner)).toBeLessThanOrEqual(viewport.width);

      // A button in a table: the refusal floats at the foot of the window; the row keeps its height.
      await owner.goto("/volumes");
      const row = owner.getByRole("row", { name: /steady-data/ });
      const height = (await row.boundingBox())?.height;
      owner.once("dialog", (dialog) => void dialog.accept());
      await row.getByRole("button", { name: "Delete volume steady-data" }).click();
      const inUse = owner.getByRole("alert").filter({ hasText: "is mounted by steady" });
      await expect(inUse).toBeVisible();
      await expect(inUse).toBeInViewport({ ratio: 1 });
      expect((await row.boundingBox())?.height).toBe(height);
      await owner.screenshot({ path: shot(`volume-delete-error-${viewport.width}`) });
      expect(await pageWidth(owner)).toBeLessThanOrEqual(viewport.width);
      await owner.context().close();
    }
  } finally {
    await request.patch(`/api/v1/tenants/${t.tenant.id}`, { headers: auth(t.adminToken), data: { suspended: false } });
    await removeAll(request, t.token, t.tenant.id);
  }
});
