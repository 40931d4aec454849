import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { auth, removeAll, signIn, tenantWithOwner } from "./support";

const shot = (name: string) => (process.env.BERTH_SHOTS_DIR ? `${process.env.BERTH_SHOTS_DIR}/${name}.png` : test.info().outputPath(`${name}.png`));

const WIDE = `wide-${"x".repeat(600)}-end`;
// Says "boot" each time it starts, then ticks; a wide line to wrap. TERM ends it at once.
const TALKER = ["sh", "-c", `trap 'exit 0' TERM; echo boot; echo ${WIDE}; while true; do echo tick; sleep 1; done`];

async function launch(request: APIRequestContext, token: string, tenantId: string, name: string, command: string[] = ["sleep", "3600"]) {
  const images = (await (await request.get("/api/v1/images", { headers: auth(token) })).json()) as { items: { id: string; ref: string }[] };
  const res = await request.post(`/api/v1/tenants/${tenantId}/containers`, {
    headers: auth(token),
    data: { name, imageId: images.items.find((i) => i.ref === "berth/shell:1")?.id, command, memoryMb: 32, cpuMillis: 100 },
  });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function change(request: APIRequestContext, token: string, id: string, what: "start" | "stop" | "restart") {
  const res = await request.post(`/api/v1/containers/${id}/${what}`, { headers: auth(token) });
  expect(res.status()).toBe(200);
}

/** A mark that only survives while the page is not reloaded. */
async function markPage(page: Page) {
  await page.evaluate(() => ((window as unknown as { berthNoReload: boolean }).berthNoReload = true));
}
async function expectNotReloaded(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { berthNoReload?: boolean }).berthNoReload)).toBe(true);
}

test.describe("pages stay true without a reload", () => {
  test("the container page follows a stop, start and restart made elsewhere; the log viewer follows the container through them", async ({
    page,
    request,
  }) => {
    test.setTimeout(120_000);
    const t = await tenantWithOwner(request, "live");
    try {
      const id = await launch(request, t.token, t.tenant.id, "talker", TALKER);
      await signIn(page, t.email, t.password);
      await page.goto(`/containers/${id}?tab=logs`);
      const heading = page.getByRole("heading", { name: /talker/ });
      const logs = page.getByLabel("Log output");
      const status = page.locator(".log-status");
      await expect(heading).toContainText("running");
      await expect(logs.getByText("boot", { exact: true })).toHaveCount(1);
      await markPage(page);

      // Stopped through the API, in another request: the header and the actions follow.
      await change(request, t.token, id, "stop");
      await expect(heading).toContainText("stopped", { timeout: 15_000 });
      await expect(page.getByRole("button", { name: "Start", exact: true })).toBeVisible();
      await expect(status).toContainText("the log continues here when it runs again");

      // Started again: the viewer reconnects by itself, says so, and shows the new run's lines.
      await change(request, t.token, id, "start");
      await expect(heading).toContainText("running", { timeout: 15_000 });
      await expect(page.getByRole("button", { name: "Stop", exact: true })).toBeVisible();
      await expect(logs.getByText("boot", { exact: true })).toHaveCount(2, { timeout: 20_000 });
      await expect(logs.getByText("The container is running again; following its log.", { exact: false })).toHaveCount(1);
      await expect(status).toContainText("reconnected");

      // A restart: back to running, a third run's lines, nothing shown twice.
      await change(request, t.token, id, "restart");
      await expect(logs.getByText("boot", { exact: true })).toHaveCount(3, { timeout: 30_000 });
      await expect(heading).toContainText("running");
      await expect(logs.getByText(WIDE)).toHaveCount(3);
      await expect(page.getByText("The container stopped; the log ends here.")).toHaveCount(0);
      await expectNotReloaded(page);
      await page.screenshot({ path: shot("live-logs-after-restart-1280"), fullPage: true });
    } finally {
      await removeAll(request, t.token, t.tenant.id);
    }
  });

  test("the dashboard's statuses follow changes made elsewhere, a new container appears, times keep current", async ({ page, request }) => {
    test.setTimeout(90_000);
    const t = await tenantWithOwner(request, "livedash");
    try {
      await signIn(page, t.email, t.password);
      await page.goto("/dashboard");
      await expect(page.getByText("No containers yet")).toBeVisible();
      await markPage(page);
      const row = (name: string) => page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
      // The first container, launched elsewhere, appears on the empty dashboard.
      const a = await launch(request, t.token, t.tenant.id, "alpha");
      await expect(row("alpha")).toContainText("running", { timeout: 15_000 });

      await change(request, t.token, a, "stop");
      await expect(row("alpha")).toContainText("stopped", { timeout: 15_000 });
      await launch(request, t.token, t.tenant.id, "bravo");
      await expect(row("bravo")).toContainText("running", { timeout: 15_000 });
      await change(request, t.token, a, "start");
      await expect(row("alpha")).toContainText("running", { timeout: 15_000 });
      // What the server renders around the statuses follows them: both hold their 32 MB again.
      await expect(page.getByText(/^64 of \d+ MB$/)).toBeVisible({ timeout: 10_000 });
      // "5 seconds ago" moves on by itself, with nothing re-rendered by the server in between.
      const created = await row("alpha").locator("time").textContent();
      await expect(row("alpha").locator("time")).not.toHaveText(created ?? "", { timeout: 15_000 });
      await expectNotReloaded(page);
      await page.screenshot({ path: shot("live-dashboard-1280"), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: shot("live-dashboard-390"), fullPage: true });
    } finally {
      await removeAll(request, t.token, t.tenant.id);
    }
  });

  test("log lines show their timestamps and wrap or scroll sideways on request; both choices are remembered", async ({ page, request }) => {
    test.setTimeout(90_000);
    const t = await tenantWithOwner(request, "livelog");
    try {
      const id = await launch(request, t.token, t.tenant.id, "wide", TALKER);
      await signIn(page, t.email, t.password);
      await page.goto(`/containers/${id}?tab=logs`);
      const logs = page.getByLabel("Log output");
      await expect(logs.getByText(WIDE)).toBeVisible();
      const stamp = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}/;

      await expect(logs).not.toContainText(stamp);
      await page.getByLabel("Timestamps").check();
      await expect(logs.locator(".log-line").first()).toContainText(stamp);
      // Wrapped (the default): nothing to scroll sideways.
      const overflows = () => logs.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
      expect(await overflows()).toBe(false);
      await page.getByLabel("Wrap lines").uncheck();
      await expect.poll(overflows).toBe(true);
      await page.screenshot({ path: shot("live-logs-timestamps-nowrap-1280"), fullPage: true });

      await page.reload();
      await expect(page.getByLabel("Timestamps")).toBeChecked();
      await expect(page.getByLabel("Wrap lines")).not.toBeChecked();
      await expect(logs.locator(".log-line").first()).toContainText(stamp);
      await expect.poll(overflows).toBe(true);

      await page.getByLabel("Timestamps").uncheck();
      await page.getByLabel("Wrap lines").check();
      await expect(logs).not.toContainText(stamp);
      await expect.poll(overflows).toBe(false);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByLabel("Timestamps").check();
      await page.screenshot({ path: shot("live-logs-390"), fullPage: true });
      // The page itself never scrolls sideways at 390 px.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    } finally {
      await removeAll(request, t.token, t.tenant.id);
    }
  });
});
