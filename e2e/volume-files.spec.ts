import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { auth, removeAll, signIn, tenantWithOwner, uniq } from "./support";

// Issue 16: files in a volume (item 8), stats charts with axes and units, the dark theme.

const shot = (name: string) => (process.env.BERTH_SHOTS_DIR ? `${process.env.BERTH_SHOTS_DIR}/${name}.png` : test.info().outputPath(`${name}.png`));

async function imageId(request: APIRequestContext, token: string, ref: string): Promise<string> {
  const images = (await (await request.get("/api/v1/images", { headers: auth(token) })).json()) as { items: { id: string; ref: string }[] };
  return images.items.find((i) => i.ref === ref)?.id ?? "";
}

/** WCAG contrast ratio of two computed CSS colours ("rgb(r, g, b)"). */
async function contrast(page: Page, fg: string, bg: string): Promise<number> {
  return page.evaluate(
    ([a, b]) => {
      const lum = (css: string) => {
        const [r, g, bl] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((n) => {
          const c = Number(n) / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
      };
      const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    },
    [fg, bg] as const,
  );
}

const colourOf = (page: Page, selector: string, property: "color" | "backgroundColor") =>
  page
    .locator(selector)
    .first()
    .evaluate((el, p) => getComputedStyle(el)[p], property);

test("an owner uploads index.html into a volume on /volumes and sees it listed; a refused upload keeps the selection", async ({ page, request }) => {
  const a = await tenantWithOwner(request, "files");
  const volume = await (await request.post(`/api/v1/tenants/${a.tenant.id}/volumes`, { headers: auth(a.token), data: { name: "site" } })).json();
  await signIn(page, a.email, a.password);
  await page.goto("/volumes");
  await page.getByRole("link", { name: "Files in site" }).click();
  await expect(page).toHaveURL(new RegExp(`volume=${volume.id}`));
  await expect(page.getByRole("heading", { name: "Files in “site”" })).toBeVisible();
  await expect(page.getByText("No files yet")).toBeVisible();

  await page.getByLabel("Files", { exact: true }).setInputFiles({ name: "index.html", mimeType: "text/html", buffer: Buffer.from("<h1>Mine</h1>") });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Uploaded “index.html”." })).toBeVisible({ timeout: 20_000 });
  const table = page.getByRole("table", { name: "Files in site" });
  await expect(table.getByRole("row", { name: /index\.html\s+13 B/ })).toBeVisible();
  await page.screenshot({ path: shot("volume-files-1280"), fullPage: true });

  // Too large: refused under the field, the file stays chosen, the volume stays selected.
  await page
    .getByLabel("Files", { exact: true })
    .setInputFiles({ name: "big.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(11 * 2 ** 20) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.locator("#upload-files-error")).toContainText("files may be at most 10 MiB", { timeout: 20_000 });
  expect(await page.getByLabel("Files", { exact: true }).evaluate((el: HTMLInputElement) => el.files?.[0]?.name)).toBe("big.bin");
  await expect(page).toHaveURL(new RegExp(`volume=${volume.id}`));
  await expect(table.getByRole("row", { name: /index\.html/ })).toBeVisible();

  await page.setViewportSize({ width: 390, height: 800 });
  await page.screenshot({ path: shot("volume-files-390"), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("the console follows the system's dark setting with readable contrast, at 1280 and 390 px", async ({ page, request }) => {
  const a = await tenantWithOwner(request, "dark");
  await request.post(`/api/v1/tenants/${a.tenant.id}/volumes`, { headers: auth(a.token), data: { name: "data" } });
  await signIn(page, a.email, a.password);
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto("/volumes");
      await page.screenshot({ path: shot(`theme-${scheme}-volumes-${width}`), fullPage: true });
      const bg = await colourOf(page, "html", "backgroundColor");
      const panel = await colourOf(page, ".panel", "backgroundColor");
      const text = await colourOf(page, "h1", "color");
      const muted = await colourOf(page, ".muted", "color");
      const link = await colourOf(page, "table a", "color");
      const dark = (await contrast(page, bg, "rgb(0, 0, 0)")) < (await contrast(page, bg, "rgb(255, 255, 255)"));
      expect(dark, `${scheme} background ${bg}`).toBe(scheme === "dark");
      expect(await contrast(page, text, panel)).toBeGreaterThanOrEqual(7);
      expect(await contrast(page, muted, panel)).toBeGreaterThanOrEqual(4.5);
      expect(await contrast(page, muted, bg)).toBeGreaterThanOrEqual(4.5);
      expect(await contrast(page, link, panel)).toBeGreaterThanOrEqual(4.5);
      const button = await colourOf(page, "button.primary", "color");
      const buttonBg = await colourOf(page, "button.primary", "backgroundColor");
      expect(await contrast(page, button, buttonBg)).toBeGreaterThanOrEqual(4.5);
    }
  }
});

test("the stats charts label their axes with units", async ({ page, request }) => {
  const a = await tenantWithOwner(request, "stats");
  const name = uniq("s").replace(/[^a-z0-9-]/g, "");
  const res = await request.post(`/api/v1/tenants/${a.tenant.id}/containers`, {
    headers: auth(a.token),
    data: { name, imageId: await imageId(request, a.token, "berth/shell:1"), memoryMb: 32, cpuMillis: 100 },
  });
  expect(res.status()).toBe(201);
  const c = (await res.json()) as { id: string };
  try {
    await signIn(page, a.email, a.password);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`/containers/${c.id}`);
      await page.getByRole("link", { name: "Stats" }).click();
      const cpu = page.getByRole("figure", { name: /CPU, %/ });
      await expect(cpu.getByLabel("CPU, % axis")).toContainText("100 %");
      await expect(cpu.getByLabel("CPU, % axis")).toContainText("0 %");
      await expect(cpu.getByLabel("Time axis")).toContainText("now");
      const memory = page.getByRole("figure", { name: /Memory, MB/ });
      await expect(memory.getByLabel(/axis/).first()).toContainText("32 MB");
      await expect(page.getByRole("figure", { name: /Network, bytes\/s/ }).getByLabel(/Network.*axis/)).toContainText("B/s");
      await expect(page.getByRole("figure", { name: /Processes/ }).getByLabel("Processes axis")).toContainText("10");
      await expect(cpu.getByLabel("Time axis")).toContainText("5 min ago");
      await page.screenshot({ path: shot(`stats-axes-${width}`), fullPage: true });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    }
  } finally {
    await removeAll(request, a.token, a.tenant.id);
  }
});
