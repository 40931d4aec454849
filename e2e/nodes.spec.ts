import { expect, test } from "@playwright/test";
import { admin, apiToken, auth, signIn, tenantWithOwner, uniq } from "./support";

const shot = (name: string) => (process.env.BERTH_SHOTS_DIR ? `${process.env.BERTH_SHOTS_DIR}/${name}.png` : test.info().outputPath(`${name}.png`));

interface NodeItem {
  id: string;
  hostname: string;
  role: string;
  availability: string;
  state: string;
  containers: number;
  posture: { ok: boolean; problems: string[] };
}

/*
 * The Nodes page shows what GET /api/v1/nodes says, whichever engine the portal runs on: the
 * single engine as one node (npm test), or every node of a Swarm with its posture problems in
 * words and, for admins, Drain and Activate (run with the env of scripts/swarm.sh).
 */
test("admins see every node with its posture, and why one is not eligible; it fits 1280 and 390 px", async ({ page, request }) => {
  const token = await apiToken(request);
  const res = await request.get("/api/v1/nodes", { headers: auth(token) });
  expect(res.status()).toBe(200);
  const { items } = (await res.json()) as { items: NodeItem[] };
  expect(items.length).toBeGreaterThanOrEqual(1);

  await signIn(page, admin.email, admin.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Nodes" }).click();
  await expect(page.getByRole("heading", { name: "Nodes", level: 1 })).toBeVisible();
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows).toHaveCount(items.length + 1);
  for (const node of items) {
    const row = rows.filter({ hasText: node.hostname }).filter({ hasText: node.id.slice(0, 12) });
    await expect(row).toHaveCount(1);
    await expect(row.getByText(node.posture.ok ? "eligible" : "not eligible", { exact: true })).toBeVisible();
    for (const problem of node.posture.problems) await expect(row.getByText(problem)).toBeVisible();
  }
  const swarm = items.length > 1 || (await page.getByText(/A Docker Swarm of/).count()) > 0;
  if (!swarm) {
    await expect(page.getByText("Berth runs every container on a single Docker Engine.", { exact: false })).toBeVisible();
    await expect(page.getByRole("button", { name: /^(Drain|Activate) / })).toHaveCount(0);
  }
  await page.screenshot({ path: shot(`nodes-${swarm ? "swarm" : "single"}-1280`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 800 });
  await page.reload();
  await expect(page.getByRole("heading", { name: "Nodes", level: 1 })).toBeVisible();
  await page.screenshot({ path: shot(`nodes-${swarm ? "swarm" : "single"}-390`), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 800 });

  if (swarm) {
    // Drain a worker from the page (it asks first), see it drained, and activate it again.
    const worker = items.find((n) => n.role === "worker" && n.availability === "active");
    expect(worker, "a Swarm with a worker").toBeDefined();
    const row = rows.filter({ hasText: worker!.hostname });
    page.once("dialog", (dialog) => {
      expect(dialog.message()).toContain(`Drain ${worker!.hostname}?`);
      void dialog.accept();
    });
    await page.getByRole("button", { name: `Drain ${worker!.hostname}` }).click();
    await expect(row.getByText("drained: its tasks moved away")).toBeVisible();
    await page.screenshot({ path: shot("nodes-swarm-drained-1280"), fullPage: true });
    await page.getByRole("button", { name: `Activate ${worker!.hostname}` }).click();
    await expect(row.getByText("active", { exact: true })).toBeVisible();
  }
});

test("members have no Nodes page and no nodes API; operators read it without actions", async ({ browser, request }) => {
  const owner = await tenantWithOwner(request, "nodes");
  expect((await request.get("/api/v1/nodes", { headers: auth(owner.token) })).status()).toBe(403);
  const memberPage = await (await browser.newContext()).newPage();
  await signIn(memberPage, owner.email, owner.password);
  await expect(memberPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Nodes" })).toHaveCount(0);
  expect((await memberPage.goto("/nodes"))?.status()).toBe(403);

  const email = `${uniq("operator")}@e2e.berth`;
  const password = "operator-password-123";
  const created = await request.post("/api/v1/users", { headers: auth(await apiToken(request)), data: { email, password, role: "operator" } });
  expect(created.status()).toBe(201);
  expect((await request.get("/api/v1/nodes", { headers: auth(await apiToken(request, email, password)) })).status()).toBe(200);
  const operatorPage = await (await browser.newContext()).newPage();
  await signIn(operatorPage, email, password);
  await operatorPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Nodes" }).click();
  await expect(operatorPage.getByRole("heading", { name: "Nodes", level: 1 })).toBeVisible();
  await expect(operatorPage.getByText("read-only", { exact: true })).toBeVisible();
  await expect(operatorPage.getByRole("button", { name: /^(Drain|Activate) / })).toHaveCount(0);
});
