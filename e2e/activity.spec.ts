import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { apiToken, auth, readDb, signIn, tenantWithOwner, uniq } from "./support";

const shots = process.env.BERTH_SCREENSHOTS ?? "test-results/activity";

/** A launch the policy refuses (privileged), with a planted env value that must never show. */
async function deniedLaunch(request: APIRequestContext, token: string, tenantId: string) {
  const res = await request.post(`/api/v1/tenants/${tenantId}/containers`, {
    headers: auth(token),
    data: { name: uniq("bad"), image: "busybox:latest", memoryMb: 64, cpuMillis: 100, env: { DB_PASSWORD: "planted-e2e-secret" }, privileged: true },
  });
  expect(res.status()).toBeGreaterThanOrEqual(400);
}

test("an operator filters to one tenant's denied launches, opens one, exports them and verifies the chain", async ({ page, request }) => {
  const a = await tenantWithOwner(request, "acta");
  const b = await tenantWithOwner(request, "actb");
  await deniedLaunch(request, a.token, a.tenant.id);
  await deniedLaunch(request, a.token, a.tenant.id);
  await deniedLaunch(request, b.token, b.tenant.id);
  const operator = { email: `${uniq("op")}@e2e.berth`, password: "operator-password-1" };
  const created = await request.post("/api/v1/users", { headers: auth(a.adminToken), data: { ...operator, role: "operator" } });
  expect(created.status()).toBe(201);

  await signIn(page, operator.email, operator.password);
  await page.getByRole("link", { name: "Activity" }).click();
  await expect(page.getByRole("heading", { name: /^Activity/ })).toBeVisible();
  await page.getByLabel("Tenant").selectOption(a.tenant.id);
  await page.getByLabel("Action").fill("container.launch");
  await page.getByLabel("Outcome").selectOption("denied");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`tenantId=${a.tenant.id}.*action=container.launch.*outcome=denied`));

  const events = page.locator("ol.events li.event");
  await expect(events).toHaveCount(2);
  await expect(events.first()).toContainText("denied");
  await expect(events.first()).toContainText("privileged");
  await page.screenshot({ path: `${shots}/filtered.png`, fullPage: true });

  // Opens to the full event; secrets were redacted before they were stored.
  await events.first().locator("summary").click();
  await expect(events.first().getByText("Request id")).toBeVisible();
  await expect(events.first().locator("pre.event-details")).toContainText("DB_PASSWORD");
  await expect(page.getByText("planted-e2e-secret")).toHaveCount(0);
  await page.screenshot({ path: `${shots}/expanded.png`, fullPage: true });

  // The export is the current filter, streamed as a file.
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const csvText = readFileSync(await csv.path(), "utf8");
  const lines = csvText.trim().split("\r\n");
  expect(lines[0]).toMatch(/^id,at,actorType/);
  expect(lines).toHaveLength(3);
  expect(lines.slice(1).every((l) => l.includes(a.tenant.id) && l.includes(",denied,"))).toBe(true);
  expect(csvText).not.toContain("planted-e2e-secret");
  const [jsonl] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export JSON Lines" }).click()]);
  const records = readFileSync(await jsonl.path(), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { tenantId: string; outcome: string; action: string });
  expect(records).toHaveLength(2);
  expect(records.every((r) => r.tenantId === a.tenant.id && r.outcome === "denied" && r.action === "container.launch")).toBe(true);

  // Live: a new denial appears on top without a reload.
  await deniedLaunch(request, a.token, a.tenant.id);
  await expect(events).toHaveCount(3, { timeout: 10_000 });

  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByText(/Chain intact: [\d,]+ events checked/)).toBeVisible();
  await page.screenshot({ path: `${shots}/verify-ok.png`, fullPage: true });

  // A filter with no results says so.
  await page.goto(`/activity?tenantId=${a.tenant.id}&outcome=failed`);
  await expect(page.getByText("No events match these filters")).toBeVisible();
  await page.screenshot({ path: `${shots}/empty.png`, fullPage: true });

  // Tampering behind the database's back is named by the verifier; the row is put back after.
  const [victim] = readDb<{ seq: number; reason: string }>(
    "SELECT seq, reason FROM ActivityEvent WHERE tenantId = ? ORDER BY seq LIMIT 1",
    b.tenant.id,
  );
  const raw = new Database((process.env.DATABASE_URL ?? "").replace(/^file:/, ""));
  const ddl = (raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'ActivityEvent_no_update'").get() as { sql: string }).sql;
  try {
    raw.exec('DROP TRIGGER "ActivityEvent_no_update"');
    raw.prepare("UPDATE ActivityEvent SET reason = 'nothing happened' WHERE seq = ?").run(victim.seq);
    await page.goto("/activity");
    await page.getByRole("button", { name: "Verify chain" }).click();
    await expect(page.getByText(`Chain broken at event #${victim.seq}`)).toBeVisible();
    await page.screenshot({ path: `${shots}/verify-broken.png`, fullPage: true });
    const api = await request.get("/api/v1/activity/verify", { headers: auth(await apiToken(request)) });
    expect(await api.json()).toMatchObject({ ok: false, firstBrokenId: String(victim.seq) });
  } finally {
    raw.prepare("UPDATE ActivityEvent SET reason = ? WHERE seq = ?").run(victim.reason, victim.seq);
    raw.exec(ddl);
    raw.close();
  }
});

test("a tenant owner sees only their tenant; a plain member is refused", async ({ page, request }) => {
  const a = await tenantWithOwner(request, "owna");
  const b = await tenantWithOwner(request, "ownb");
  await deniedLaunch(request, b.token, b.tenant.id);
  const res = await request.get(`/api/v1/activity?tenantId=${b.tenant.id}`, { headers: auth(a.token) });
  expect(res.status()).toBe(404);
  expect((await request.get("/api/v1/activity?bogus=1", { headers: auth(a.token) })).status()).toBe(400);
  expect((await request.get("/api/v1/activity?limit=501", { headers: auth(a.token) })).status()).toBe(400);
  await signIn(page, a.email, a.password);
  await page.goto("/activity");
  await expect(page.getByRole("heading", { name: /^Activity/ })).toBeVisible();
  await expect(page.getByText(b.tenant.name)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Verify chain" })).toHaveCount(0);
});
