import { expect, test, type Page, type Response } from "@playwright/test";
import { admin, auth, signIn, tenantWithOwner, uniq } from "./support";

const shot = (name: string) => (process.env.BERTH_SHOTS_DIR ? `${process.env.BERTH_SHOTS_DIR}/${name}.png` : test.info().outputPath(`${name}.png`));

/**
 * Every console error and uncaught exception of the page, except the browser's note that the
 * document itself came with an error status (a 404 page is a 404): CSP refusals, failed
 * scripts and anything thrown are all counted.
 */
function collectErrors(page: Page) {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const own =
      /^Failed to load resource: the server responded with a status of 40[14]/.test(message.text()) && message.location().url === page.url();
    if (!own) errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

async function settled(page: Page, response: Response | null) {
  await page.waitForLoadState("networkidle");
  return response;
}

test("an unknown URL is a 404 page with the console's navigation, and its scripts run (no console errors)", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  const errors = collectErrors(page);
  const response = await settled(page, await page.goto("/no/such/page"));
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expect(page).toHaveTitle("Not found · Berth");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Tenants" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await page.screenshot({ path: shot("404-signed-in-1280"), fullPage: true });
  expect(errors).toEqual([]);

  // The page is live (its scripts were allowed): the navigation works without a reload.
  await nav.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();

  // A page's own notFound() shows the same page.
  const missingTenant = await settled(page, await page.goto("/tenants/no-such-tenant"));
  expect(missingTenant?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Tenants" })).toBeVisible();
  expect(errors).toEqual([]);

  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto("/no/such/page");
  await page.screenshot({ path: shot("404-signed-in-390"), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("signed out, an unknown URL is a 404 that offers to sign in, without console errors", async ({ page }) => {
  const errors = collectErrors(page);
  const response = await settled(page, await page.goto("/no/such/page"));
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expect(page).toHaveTitle("Not found · Berth");
  await page.screenshot({ path: shot("404-signed-out-1280"), fullPage: true });
  await page.getByRole("link", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to Berth" })).toBeVisible();
  expect(errors).toEqual([]);
});

test("a shared link opened while signed out lands on its page after signing in", async ({ page, request }) => {
  const errors = collectErrors(page);
  await page.goto("/containers/xyz");
  await expect(page).toHaveURL(/\/signin\?next=%2Fcontainers%2Fxyz$/);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/containers\/xyz$/);
  // No such container: the not-found page, inside the console.
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  expect(errors).toEqual([]);

  // A filtered list keeps its query.
  const t = await tenantWithOwner(request, "shared");
  const target = `/activity?tenantId=${t.tenant.id}&outcome=denied`;
  const fresh = await (await page.context().browser()!.newContext()).newPage();
  await fresh.goto(target);
  await expect(fresh).toHaveURL(/\/signin\?next=/);
  await fresh.getByLabel("Email").fill(admin.email);
  await fresh.getByLabel("Password").fill(admin.password);
  await fresh.getByRole("button", { name: "Sign in" }).click();
  await expect(fresh).toHaveURL(new RegExp(`/activity\\?tenantId=${t.tenant.id}&outcome=denied$`));
  await expect(fresh.getByLabel("Outcome")).toHaveValue("denied");
  await fresh.context().close();
});

test("next never leads off the site: crafted sign-in links land on the start page", async ({ browser, baseURL }) => {
  const origin = new URL(baseURL ?? "").origin;
  for (const next of ["//evil.example/", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "/.//evil.example", "javascript:alert(1)"]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`/signin?next=${encodeURIComponent(next)}`);
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page, next).toHaveURL(`${origin}/tenants`);
    // Signed in already, the sign-in page passes the same check.
    await page.goto(`/signin?next=${encodeURIComponent(next)}`);
    await expect(page, next).toHaveURL(`${origin}/tenants`);
    await context.close();
  }
});

test("operators are told that they review rather than launch, and where to go; the top bar shows a member's role in the tenant", async ({
  page,
  browser,
  request,
}) => {
  const t = await tenantWithOwner(request, "badge");
  const operator = { email: `${uniq("op")}@e2e.berth`, password: "operator-password-1" };
  const created = await request.post("/api/v1/users", { headers: auth(t.adminToken), data: { ...operator, role: "operator" } });
  expect(created.status()).toBe(201);

  await signIn(page, operator.email, operator.password);
  await page.goto("/containers/new");
  await expect(page.getByText("Operators review containers; they do not launch them")).toBeVisible();
  await expect(page.getByText(/ask an administrator/)).toHaveCount(0);
  await page.screenshot({ path: shot("launch-operator-1280"), fullPage: true });
  await page.getByRole("main").getByRole("link", { name: "Activity" }).click();
  await expect(page.getByRole("heading", { name: /^Activity/ })).toBeVisible();

  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, t.email, t.password);
  await expect(owner.getByText("You are an owner")).toBeVisible();
  await expect(owner.getByRole("banner").getByText("owner", { exact: true })).toBeVisible();
  await expect(owner.getByRole("banner").getByText("member", { exact: true })).toHaveCount(0);
  await owner.context().close();
});
