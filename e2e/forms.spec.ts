import { expect, test } from "@playwright/test";
import { admin, signIn, tenantWithOwner, uniq } from "./support";

// Forms that show an error keep what was typed (ui.md, round 2): the Server Action sends the
// values back and the fields start from them. Passwords are the exception: typed again.

test("new tenant: a taken slug keeps the name and slug under the error", async ({ page, request }) => {
  const { tenant } = await tenantWithOwner(request, "taken");
  await signIn(page, admin.email, admin.password);
  await page.goto("/tenants");
  const form = page.getByRole("form", { name: "Create tenant" });
  await form.getByLabel("Name", { exact: true }).fill("A second one");
  await form.getByLabel("Slug").fill(tenant.slug);
  await form.getByRole("button", { name: "Create tenant" }).click();
  await expect(page.locator("#tenant-slug-error")).toHaveText("this slug is taken");
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue("A second one");
  await expect(form.getByLabel("Slug")).toHaveValue(tenant.slug);

  // Once it succeeds the form is empty again, ready for the next one.
  const slug = uniq("fresh");
  await form.getByLabel("Slug").fill(slug);
  await form.getByRole("button", { name: "Create tenant" }).click();
  await expect(page.getByRole("status")).toContainText("Tenant “A second one” created.");
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue("");
  await expect(form.getByLabel("Slug")).toHaveValue("");
});

test("rename tenant: a name that is too long stays in the box with its error", async ({ page, request }) => {
  const { tenant } = await tenantWithOwner(request, "rename");
  await signIn(page, admin.email, admin.password);
  await page.goto(`/tenants/${tenant.id}`);
  const form = page.getByRole("form", { name: "Rename tenant" });
  const long = "x".repeat(81);
  await form.getByLabel("Display name").fill(long);
  await form.getByRole("button", { name: "Rename" }).click();
  await expect(page.locator("#rename-error")).toHaveText("at most 80 characters");
  await expect(form.getByLabel("Display name")).toHaveValue(long);

  await form.getByLabel("Display name").fill("Renamed tenant");
  await form.getByRole("button", { name: "Rename" }).click();
  await expect(form.getByRole("status")).toHaveText("Renamed to “Renamed tenant”.");
  await expect(form.getByLabel("Display name")).toHaveValue("Renamed tenant");
});

test("new user: a short password keeps email, role and tenants, but never the password", async ({ page, request }) => {
  const { tenant } = await tenantWithOwner(request, "newuser");
  await signIn(page, admin.email, admin.password);
  await page.goto("/users");
  const form = page.getByRole("form", { name: "Create user" });
  // Its label is the tenant's name, which earlier runs may share: the select by the tenant's id.
  const membership = form.locator(`select[name="membership:${tenant.id}"]`);
  const email = `${uniq("kept")}@e2e.berth`;
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Initial password").fill("short");
  await form.getByLabel("Role", { exact: true }).selectOption("member");
  await membership.selectOption("owner");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.locator("#new-password-error")).toContainText("use at least 12 characters");
  await expect(form.getByLabel("Email")).toHaveValue(email);
  await expect(form.getByLabel("Role", { exact: true })).toHaveValue("member");
  await expect(membership).toHaveValue("owner");
  await expect(form.getByLabel("Initial password")).toHaveValue("");

  // The values also reach the page as the person typed them, never the password.
  await form.getByLabel("Initial password").fill("a-long-enough-password");
  await form.getByLabel("Role", { exact: true }).selectOption("operator");
  await membership.selectOption("");
  await form.getByLabel("Email").fill("not an email");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.locator("#new-email-error")).not.toBeEmpty();
  await expect(form.getByLabel("Email")).toHaveValue("not an email");
  await expect(form.getByLabel("Role", { exact: true })).toHaveValue("operator");
  await expect(membership).toHaveValue("");
  await expect(form.getByLabel("Initial password")).toHaveValue("");
  await expect(page.locator("body")).not.toContainText("a-long-enough-password");
});

test("new token: an expiry out of range keeps the name and the number typed", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await page.goto("/settings/tokens");
  const form = page.getByRole("form", { name: "Create API token" });
  const name = uniq("deploy");
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Expires in (days)").fill("999");
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(page.locator("#token-expiry-error")).toHaveText("at most 365 days");
  await expect(form.getByLabel("Name")).toHaveValue(name);
  await expect(form.getByLabel("Expires in (days)")).toHaveValue("999");
  await expect(page.locator("#new-token")).toHaveCount(0);
});
