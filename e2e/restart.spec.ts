import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { admin, auth, readDb, removeAll, signIn, tenantWithOwner } from "./support";

const shot = (name: string) => (process.env.BERTH_SHOTS_DIR ? `${process.env.BERTH_SHOTS_DIR}/${name}.png` : test.info().outputPath(`${name}.png`));

async function launchShell(request: APIRequestContext, token: string, tenantId: string, name: string): Promise<string> {
  const images = (await (await request.get("/api/v1/images", { headers: auth(token) })).json()) as { items: { id: string; ref: string }[] };
  const res = await request.post(`/api/v1/tenants/${tenantId}/containers`, {
    headers: auth(token),
    data: { name, imageId: images.items.find((i) => i.ref === "berth/shell:1")?.id, command: ["sleep", "3600"], memoryMb: 32, cpuMillis: 100 },
  });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/**
 * Waits until the portal's reconciler follows the engine's events, as /health shows it. A
 * portal started moments after another one on the same database waits for the old lease to
 * expire (up to 30 s) before it leads.
 */
async function reconcilerFollowing(page: Page) {
  await signIn(page, admin.email, admin.password);
  await expect(async () => {
    await page.goto("/health");
    await expect(page.locator(".card").filter({ hasText: "Reconciler" }).getByText("following events")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 50_000 });
}

const eventsOf = (containerId: string) =>
  readDb<{ action: string; outcome: string }>("SELECT action, outcome FROM ActivityEvent WHERE details LIKE ? ORDER BY seq", `%${containerId}%`);

test("a restart from the container page is recorded as the restart, never as the container dying", async ({ page, request }) => {
  test.setTimeout(90_000);
  await reconcilerFollowing(page);
  await page.context().clearCookies();
  const t = await tenantWithOwner(request, "bounce");
  try {
    const id = await launchShell(request, t.token, t.tenant.id, "bounce");
    await signIn(page, t.email, t.password);
    await page.goto(`/containers/${id}`);
    await page.getByRole("button", { name: "Restart" }).click();
    await expect(page.getByRole("button", { name: "Restart" })).toBeEnabled();
    // The engine's kill, die and start events reach the reconciler within a moment.
    await expect.poll(() => eventsOf(id).map((e) => e.action)).toContain("container.restart");
    await page.waitForTimeout(1500);
    expect(eventsOf(id)).toEqual([
      { action: "container.launch", outcome: "allowed" },
      { action: "container.restart", outcome: "allowed" },
    ]);
    await page.goto(`/containers/${id}?tab=activity`);
    await expect(page.getByText("container.restart")).toBeVisible();
    await expect(page.getByText("container.died")).toHaveCount(0);
    await page.screenshot({ path: shot("container-activity-after-restart-1280"), fullPage: true });
    await expect(page.getByRole("heading", { name: /bounce/ })).toContainText("running");
  } finally {
    await removeAll(request, t.token, t.tenant.id);
  }
});
