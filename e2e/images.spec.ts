import { expect, test } from "@playwright/test";
import { admin, apiToken, readDb, signIn, uniq } from "./support";
import { missingImageRef, pushFreshImage, removeTestImage } from "../test/support/registry-image";

// Needs scripts/ensure-registry.sh (npm test runs it): a real registry on 127.0.0.1:5000.
let ref: string;
const missing = missingImageRef("berth-e2e/missing");

test.beforeAll(() => {
  // A larger layer than the integration test's, so the browser has time to draw progress.
  ref = pushFreshImage("berth-e2e/app", 12_000_000);
});

test.afterAll(async () => {
  await removeTestImage(ref);
  await removeTestImage(missing);
});

test("admin adds an image by reference, watches it pull, and removes it after confirming", async ({ page }) => {
  const name = `E2E app ${uniq("img")}`;
  await signIn(page, admin.email, admin.password);
  await page.getByRole("link", { name: "Images" }).click();
  await expect(page.getByRole("heading", { name: "Image catalog" })).toBeVisible();

  // A reference the registry does not have: the reason is shown under the reference field.
  await page.getByLabel("Image reference").fill(missing);
  await page.getByLabel("Display name").fill("Missing");
  await page.getByRole("button", { name: "Add image" }).click();
  await expect(page.locator("#image-ref-error")).toContainText("was not found in the registry");
  await expect(page.getByLabel("Image reference")).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: "test-results/images-failed-pull.png", fullPage: true });

  await page.getByLabel("Image reference").fill(ref);
  await page.getByLabel("Display name").fill(name);
  await page.getByLabel("Default port").fill("8080");
  await page.getByLabel("Description").fill("Pushed by the e2e test");
  await page.getByLabel("Default command").fill("sh -c 'echo ready; sleep 3600'");
  await page.getByRole("button", { name: "Add image" }).click();

  // The progress stays on screen after the pull: a total bar and one bar per layer.
  const progress = page.getByRole("region", { name: `Pull progress for ${ref}` });
  await expect(progress.getByRole("progressbar", { name: "Total" })).toBeVisible();
  await expect(progress.getByRole("progressbar", { name: /^Layer / })).toHaveCount(2);
  await expect(page.getByText(`“${name}” (${ref}) was added to the catalog.`)).toBeVisible();
  await expect(progress.getByRole("status")).toContainText(`Pulled ${ref}: 2 of 2 layers complete. Downloaded newer image.`);

  const row = page.getByRole("row").filter({ hasText: ref });
  await expect(row).toContainText(name);
  await expect(row).toContainText("8080");
  await expect(row.getByText("present on host")).toBeVisible();
  await page.screenshot({ path: "test-results/images-after-pull.png", fullPage: true });
  expect(readDb<{ defaultCommand: string }>("SELECT defaultCommand FROM CatalogImage WHERE ref = ?", ref)).toEqual([
    { defaultCommand: JSON.stringify(["sh", "-c", "echo ready; sleep 3600"]) },
  ]);

  // Dismissing the confirmation keeps the image; accepting removes it.
  let question = "";
  page.once("dialog", (dialog) => {
    question = dialog.message();
    void dialog.dismiss();
  });
  await row.getByRole("button", { name: `Remove ${name}` }).click();
  expect(question).toContain(`Remove “${name}” (${ref}) from the catalog?`);
  await expect(row).toBeVisible();
  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: `Remove ${name}` }).click();
  await expect(page.getByRole("row").filter({ hasText: ref })).toHaveCount(0);
  expect(
    readDb<{ action: string; outcome: string }>("SELECT action, outcome FROM ActivityEvent WHERE target = ? ORDER BY seq", `image:${ref}`),
  ).toEqual([
    { action: "image.add", outcome: "allowed" },
    { action: "image.remove", outcome: "allowed" },
  ]);
});

test("a member sees the catalog read-only, and cannot add through the pull route", async ({ page, request }) => {
  const token = await apiToken(request);
  const email = `${uniq("viewer")}@e2e.berth`;
  const created = await request.post("/api/v1/users", {
    headers: { authorization: `Bearer ${token}` },
    data: { email, password: "member-password-1", role: "member" },
  });
  expect(created.status()).toBe(201);

  await signIn(page, email, "member-password-1");
  await page.goto("/images");
  await expect(page.getByRole("heading", { name: "Image catalog" })).toBeVisible();
  await expect(page.getByText("read-only")).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "berth/shell:1" })).toBeVisible();
  await expect(page.getByRole("form", { name: "Add image" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Remove / })).toHaveCount(0);

  // A request that does not come from the portal's own pages is refused before anything else
  // (the pull route takes the session cookie for a write).
  const foreign = await page.request.post("/images/pull", { data: { ref: missing, name: "Sneaky" } });
  expect(foreign.status()).toBe(403);
  expect((await foreign.json()).error.code).toBe("forbidden");
  // From the portal's own origin, the member's role is what refuses it.
  const origin = new URL(page.url()).origin;
  const res = await page.request.post("/images/pull", { headers: { origin }, data: { ref: missing, name: "Sneaky" } });
  const lines = (await res.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { type: string; error?: { code: string } });
  expect(lines).toEqual([{ type: "error", error: expect.objectContaining({ code: "forbidden" }) }]);
});
