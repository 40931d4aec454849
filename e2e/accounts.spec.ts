import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { admin, apiToken, auth, readDb, removeAll, signIn, tenantWithOwner, uniq } from "./support";

// Issue 16, the admin journeys: lists searched, sorted and paged through the URL; members
// added and removed on the tenant page; passwords changed and reset, ending the other
// sessions and the API tokens.

/** A screenshot at 1280 and 390 px to look at, and at 390 nothing wider than the screen. */
async function shots(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}-1280.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath(`${name}-390.png`), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("users: search, sort and paging live in the URL and survive a reload", async ({ page, request }) => {
  const token = await apiToken(request);
  const tag = uniq("lst");
  for (const name of ["carol", "alice", "bob"]) {
    const res = await request.post("/api/v1/users", {
      headers: auth(token),
      data: { email: `${name}.${tag}@e2e.berth`, password: "a-long-password-1", role: "member" },
    });
    expect(res.status()).toBe(201);
  }
  await signIn(page, admin.email, admin.password);
  await page.goto("/users");
  await page.getByRole("searchbox", { name: "Search users" }).fill(tag);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(new RegExp(`/users\\?q=${tag}$`));
  const rows = page.locator("table tbody tr");
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText(`alice.${tag}`);

  // The sorted column says so; clicking it again flips the order, in the URL.
  const emailHeader = page.getByRole("columnheader", { name: "Email" });
  await expect(emailHeader).toHaveAttribute("aria-sort", "ascending");
  await emailHeader.getByRole("link").click();
  await expect(page).toHaveURL(/sort=email&order=desc/);
  await expect(rows.first()).toContainText(`carol.${tag}`);
  await expect(page.getByRole("columnheader", { name: "Email" })).toHaveAttribute("aria-sort", "descending");

  await page.goto(`/users?q=${tag}&pageSize=2`);
  const pager = page.getByRole("navigation", { name: "Pages of users" });
  await expect(pager).toContainText("1–2 of 3 users · page 1 of 2");
  await pager.getByRole("link", { name: "Next →" }).click();
  await expect(page).toHaveURL(/page=2/);
  await page.reload();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`carol.${tag}`);
  await shots(page, "users-paged");

  // What a search that finds nothing, and a hand-edited address, show.
  await page.goto(`/users?q=${tag}-nobody`);
  await expect(page.getByText(`No users match “${tag}-nobody”`)).toBeVisible();
  await page.goto("/users?sort=password");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("This list's address is not valid");
  await shots(page, "users-bad-address");
});

/** A stopped-in-a-minute container of the shell image, launched by the owner through the API. */
async function launchSmall(request: APIRequestContext, token: string, tenantId: string, name: string, memoryMb: number) {
  const images = (await (await request.get("/api/v1/images", { headers: auth(token) })).json()) as { items: { id: string; ref: string }[] };
  const imageId = images.items.find((i) => i.ref === "berth/shell:1")?.id;
  const res = await request.post(`/api/v1/tenants/${tenantId}/containers`, {
    headers: auth(token),
    data: { name, imageId, command: ["sleep", "600"], memoryMb, cpuMillis: 100, ports: [] },
  });
  expect(res.status()).toBe(201);
}

test("dashboard containers: search and sort in the URL; the API pages the same list", async ({ page, request }) => {
  const t = await tenantWithOwner(request, "lists");
  try {
    await launchSmall(request, t.token, t.tenant.id, "alpha", 48);
    await launchSmall(request, t.token, t.tenant.id, "beta", 16);
    await launchSmall(request, t.token, t.tenant.id, "gamma", 32);
    await signIn(page, t.email, t.password);
    await page.goto("/dashboard");
    // The containers' table, not the recent activity under it.
    const rows = page.locator("table").first().locator("tbody tr");
    // Newest first by default.
    await expect(rows.first()).toContainText("gamma");
    await page.getByRole("columnheader", { name: "Memory" }).getByRole("link").click();
    await expect(page).toHaveURL(/\/dashboard\?sort=memory$/);
    await expect(rows.nth(0)).toContainText("alpha");
    await expect(rows.nth(2)).toContainText("beta");
    await page.getByRole("searchbox", { name: "Search containers" }).fill("bet");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/q=bet/);
    await expect(page).toHaveURL(/sort=memory/);
    await expect(rows).toHaveCount(1);
    await shots(page, "dashboard-search");

    const api = await request.get(`/api/v1/tenants/${t.tenant.id}/containers?sort=name&pageSize=2&page=2`, { headers: auth(t.token) });
    expect(await api.json()).toMatchObject({ total: 3, page: 2, pageSize: 2, items: [{ name: "gamma" }] });
    expect((await request.get(`/api/v1/tenants/${t.tenant.id}/containers?sort=hostPort`, { headers: auth(t.token) })).status()).toBe(400);
  } finally {
    await removeAll(request, t.token, t.tenant.id);
  }
});

test("members: an admin adds one by email on the tenant page and removes them; both are recorded", async ({ page, request }) => {
  const { tenant } = await tenantWithOwner(request, "crew");
  const token = await apiToken(request);
  const email = `${uniq("joiner")}@e2e.berth`;
  expect(
    (await request.post("/api/v1/users", { headers: auth(token), data: { email, password: "a-long-password-1", role: "member" } })).status(),
  ).toBe(201);

  await signIn(page, admin.email, admin.password);
  await page.goto(`/tenants/${tenant.id}`);
  const form = page.getByRole("form", { name: "Add member" });
  const ghost = `${uniq("ghost")}@e2e.berth`;
  await form.getByLabel("User's email").fill(ghost);
  await form.getByLabel("Tenant role").selectOption("owner");
  await form.getByRole("button", { name: "Add member" }).click();
  await expect(page.locator("#member-email-error")).toHaveText("no such user");
  // What was typed stays under the error.
  await expect(form.getByLabel("User's email")).toHaveValue(ghost);
  await expect(form.getByLabel("Tenant role")).toHaveValue("owner");

  await form.getByLabel("User's email").fill(email);
  await form.getByRole("button", { name: "Add member" }).click();
  await expect(form.getByRole("status")).toHaveText(`${email} added as owner.`);
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText("owner");
  await shots(page, "tenant-members");

  page.once("dialog", (dialog) => {
    expect(dialog.message()).toContain(email);
    void dialog.accept();
  });
  await page.getByRole("button", { name: `Remove member ${email}` }).click();
  await expect(row).toHaveCount(0);
  const events = readDb<{ action: string; outcome: string }>(
    "SELECT action, outcome FROM ActivityEvent WHERE tenantId = ? AND action LIKE 'tenant.member.%' ORDER BY seq",
    tenant.id,
  );
  expect(events).toEqual([
    { action: "tenant.member.add", outcome: "denied" },
    { action: "tenant.member.add", outcome: "allowed" },
    { action: "tenant.member.remove", outcome: "allowed" },
  ]);
});

test("changing your password signs out your other session and revokes your tokens; this one stays", async ({ browser, request }) => {
  const { email, password, token } = await tenantWithOwner(request, "pw");
  const mine = await browser.newContext();
  const other = await browser.newContext();
  const page = await mine.newPage();
  const elsewhere = await other.newPage();
  await signIn(page, email, password);
  await signIn(elsewhere, email, password);

  await page.goto("/settings/account");
  const form = page.getByRole("form", { name: "Change password" });
  await form.getByLabel("Current password").fill("not my password");
  await form.getByLabel("New password").fill("my-brand-new-password");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#current-password-error")).toHaveText("this is not your current password");
  // Passwords are never sent back to the form.
  await expect(form.getByLabel("Current password")).toHaveValue("");
  await expect(form.getByLabel("New password")).toHaveValue("");
  await shots(page, "account-error");

  await form.getByLabel("Current password").fill(password);
  await form.getByLabel("New password").fill("my-brand-new-password");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("main").getByRole("status")).toContainText("Password changed.");
  await expect(page).toHaveURL(/\/settings\/account\?changed=1$/);

  // This browser is still signed in; the other one is sent to sign in on its next request.
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
  await elsewhere.goto("/dashboard");
  await expect(elsewhere).toHaveURL(/\/signin/);
  expect((await request.get("/api/v1/tenants", { headers: auth(token) })).status()).toBe(401);
  await signIn(elsewhere, email, "my-brand-new-password");
  await mine.close();
  await other.close();
});

test("an admin resets a user's password from the user page: that user is signed out everywhere", async ({ browser, page, request }) => {
  const { email, password, token } = await tenantWithOwner(request, "reset");
  const theirs = await browser.newContext();
  const them = await theirs.newPage();
  await signIn(them, email, password);
  const id = readDb<{ id: string }>("SELECT id FROM User WHERE email = ?", email)[0].id;

  await signIn(page, admin.email, admin.password);
  await page.goto(`/users/${id}`);
  const form = page.getByRole("form", { name: "Reset password" });
  page.on("dialog", (dialog) => void dialog.accept());
  await form.getByLabel("New password").fill("short");
  await form.getByRole("button", { name: "Reset password" }).click();
  await expect(page.locator("#reset-password-error")).toContainText("use at least 12 characters");
  await expect(form.getByLabel("New password")).toHaveValue("");
  await form.getByLabel("New password").fill("given-by-the-admin-1");
  await form.getByRole("button", { name: "Reset password" }).click();
  await expect(form.getByRole("status")).toContainText("Password reset.");
  await shots(page, "user-reset");

  await them.goto("/dashboard");
  await expect(them).toHaveURL(/\/signin/);
  expect((await request.get("/api/v1/tenants", { headers: auth(token) })).status()).toBe(401);
  await signIn(them, email, "given-by-the-admin-1");
  await theirs.close();
});
