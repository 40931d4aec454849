import { expect, test, type Browser } from "@playwright/test";
import { admin, apiToken, readDb, signIn, uniq } from "./support";

async function newPage(browser: Browser) {
  const context = await browser.newContext();
  return context.newPage();
}

test("signed-out visitors are sent to sign-in and see no data", async ({ page }) => {
  for (const path of ["/", "/tenants", "/users", "/dashboard", "/settings/tokens"]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/signin/);
    await expect(page.getByRole("heading", { name: "Sign in to Berth" })).toBeVisible();
  }
});

test("admin creates a tenant and a member; the member signs in and sees the tenant dashboard", async ({ page, browser }) => {
  const tenantName = `Acme ${uniq("t")}`;
  const slug = uniq("acme");
  const memberEmail = `${uniq("member")}@e2e.berth`;
  const memberPassword = "member-password-123";

  await signIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/tenants$/);
  await page.getByLabel("Name", { exact: true }).fill(tenantName);
  await page.getByLabel("Slug").fill(slug);
  await page.getByRole("button", { name: "Create tenant" }).click();
  await expect(page.getByRole("status")).toContainText(`Tenant “${tenantName}” created.`);
  await expect(page.getByRole("link", { name: tenantName })).toBeVisible();

  // A taken slug is reported under the slug field.
  await page.getByLabel("Name", { exact: true }).fill("Copy");
  await page.getByLabel("Slug").fill(slug);
  await page.getByRole("button", { name: "Create tenant" }).click();
  await expect(page.locator("#tenant-slug-error")).toHaveText("this slug is taken");

  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await page.getByLabel("Email").fill(memberEmail);
  await page.getByLabel("Initial password").fill(memberPassword);
  await page.getByLabel("Role").selectOption("member");
  await page.getByLabel(tenantName).selectOption("owner");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status")).toContainText(`User ${memberEmail} created.`);
  await expect(page.getByRole("row", { name: new RegExp(memberEmail) })).toContainText(`${tenantName} (owner)`);

  const member = await newPage(browser);
  await signIn(member, memberEmail, memberPassword);
  await expect(member).toHaveURL(/\/dashboard$/);
  await expect(member.getByRole("heading", { name: tenantName })).toBeVisible();
  await expect(member.getByText("No containers yet")).toBeVisible();
  await expect(member.getByRole("link", { name: "Users" })).toHaveCount(0);
});

test("a wrong password shows an error and is recorded", async ({ page }) => {
  const email = `${uniq("nobody")}@e2e.berth`;
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
  const events = readDb<{ outcome: string; reason: string }>(
    "SELECT outcome, reason FROM ActivityEvent WHERE action = 'auth.login' AND actorEmail = ?",
    email,
  );
  expect(events).toEqual([{ outcome: "denied", reason: "wrong email or password" }]);
});

test("repeated failures show the throttle notice", async ({ page }) => {
  const email = `${uniq("target")}@e2e.berth`;
  await page.goto("/signin");
  for (let i = 0; i < 6; i++) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(`guess-${i}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    // Wait for the answer (the button leaves its pending state) before the next attempt.
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
  }
  await expect(page.getByText(/Too many attempts — try again in \d+ minutes?\./)).toBeVisible();
});

test("an operator cannot open admin pages but reads tenants", async ({ page, request }) => {
  const token = await apiToken(request);
  const email = `${uniq("operator")}@e2e.berth`;
  const res = await request.post("/api/v1/users", {
    headers: { authorization: `Bearer ${token}` },
    data: { email, password: "operator-password-1", role: "operator" },
  });
  expect(res.status()).toBe(201);
  await signIn(page, email, "operator-password-1");
  await expect(page).toHaveURL(/\/tenants$/);
  await expect(page.getByText("read-only")).toBeVisible();
  await expect(page.getByRole("button", { name: "Create tenant" })).toHaveCount(0);
  const response = await page.goto("/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "403 — Not allowed" })).toBeVisible();
  await expect(page.getByText(admin.email)).toHaveCount(0);
});

test("a disabled user is signed out on the next request", async ({ page, browser }) => {
  const email = `${uniq("leaver")}@e2e.berth`;
  const adminPage = await newPage(browser);
  await signIn(adminPage, admin.email, admin.password);
  const token = await apiToken(adminPage.request);
  const created = await adminPage.request.post("/api/v1/users", {
    headers: { authorization: `Bearer ${token}` },
    data: { email, password: "leaver-password-1", role: "member" },
  });
  const user = (await created.json()) as { id: string };

  await signIn(page, email, "leaver-password-1");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();

  await adminPage.goto(`/users/${user.id}`);
  await adminPage.getByLabel(/Disabled/).check();
  await adminPage.getByRole("button", { name: "Save changes" }).click();
  await expect(adminPage.getByRole("status")).toContainText(`Saved ${email}.`);

  await page.reload();
  await expect(page).toHaveURL(/\/signin/);
});

test("API tokens: created in settings, shown once, revoked", async ({ page, request }) => {
  await signIn(page, admin.email, admin.password);
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  const name = uniq("script");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.locator("#new-token").textContent()) ?? "";
  expect(secret).toMatch(/^berth_/);
  const ok = await request.get("/api/v1/tokens", { headers: { authorization: `Bearer ${secret}` } });
  expect(ok.status()).toBe(200);

  await page.reload();
  await expect(page.getByRole("row", { name: new RegExp(name) })).toBeVisible();
  await expect(page.getByText(secret)).toHaveCount(0);

  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: `Revoke token ${name}` }).click();
  await expect(page.getByRole("row", { name: new RegExp(name) })).toHaveCount(0);
  const revoked = await request.get("/api/v1/tokens", { headers: { authorization: `Bearer ${secret}` } });
  expect(revoked.status()).toBe(401);
});
