import { expect, test } from "@playwright/test";
import { admin, apiToken, uniq } from "./support";

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

test("health answers without a token", async ({ request }) => {
  const res = await request.get("/api/v1/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ status: "ok", db: "ok", docker: { reachable: true } });
});

test("every other endpoint needs a token and answers in the contract's error shape", async ({ request }) => {
  for (const path of ["/api/v1/tenants", "/api/v1/users", "/api/v1/tokens"]) {
    const res = await request.get(path);
    expect(res.status()).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  }
});

test("tenants: create, read, patch; unknown fields and bad input are 400 with fields", async ({ request }) => {
  const token = await apiToken(request);
  const slug = uniq("api");
  const created = await request.post("/api/v1/tenants", { headers: auth(token), data: { name: "API tenant", slug } });
  expect(created.status()).toBe(201);
  const tenant = await created.json();
  expect(tenant).toEqual({ id: expect.any(String), name: "API tenant", slug, suspended: false, createdAt: expect.any(String) });

  expect((await request.get(`/api/v1/tenants/${tenant.id}`, { headers: auth(token) })).status()).toBe(200);
  const patched = await request.patch(`/api/v1/tenants/${tenant.id}`, { headers: auth(token), data: { suspended: true } });
  expect((await patched.json()).suspended).toBe(true);

  const unknown = await request.post("/api/v1/tenants", { headers: auth(token), data: { name: "X", slug: uniq("x"), HostConfig: {} } });
  expect(unknown.status()).toBe(400);
  expect(await unknown.json()).toEqual({
    error: { code: "validation_failed", message: expect.any(String), fields: [{ path: "HostConfig", message: 'unknown field "HostConfig"' }] },
  });
  const conflict = await request.post("/api/v1/tenants", { headers: auth(token), data: { name: "Y", slug } });
  expect(conflict.status()).toBe(409);
  expect((await conflict.json()).error.code).toBe("conflict");
  const malformed = await request.post("/api/v1/tenants", { headers: { ...auth(token), "content-type": "application/json" }, data: "{not json" });
  expect(malformed.status()).toBe(400);
  expect((await request.get("/api/v1/tenants/nope", { headers: auth(token) })).status()).toBe(404);
});

test("members see only their tenants: another tenant is 404, admin endpoints 403", async ({ request }) => {
  const adminToken = await apiToken(request);
  const mine = await (await request.post("/api/v1/tenants", { headers: auth(adminToken), data: { name: "Mine", slug: uniq("mine") } })).json();
  const other = await (await request.post("/api/v1/tenants", { headers: auth(adminToken), data: { name: "Other", slug: uniq("other") } })).json();
  const email = `${uniq("m")}@e2e.berth`;
  const user = await request.post("/api/v1/users", {
    headers: auth(adminToken),
    data: { email, password: "member-password-1", role: "member", memberships: [{ tenantId: mine.id, role: "member" }] },
  });
  expect(user.status()).toBe(201);
  expect(await user.json()).not.toHaveProperty("passwordHash");
  const token = await apiToken(request, email, "member-password-1");
  const list = await (await request.get("/api/v1/tenants", { headers: auth(token) })).json();
  expect(list.items.map((t: { id: string }) => t.id)).toEqual([mine.id]);
  expect((await request.get(`/api/v1/tenants/${other.id}`, { headers: auth(token) })).status()).toBe(404);
  expect((await request.get("/api/v1/users", { headers: auth(token) })).status()).toBe(403);
  expect((await request.post("/api/v1/tenants", { headers: auth(token), data: { name: "N", slug: uniq("n") } })).status()).toBe(403);
});

test("token creation is throttled per account with 429 and Retry-After", async ({ request }) => {
  const email = `${uniq("victim")}@e2e.berth`;
  const headers = { "x-forwarded-for": "10.77.0.1" };
  for (let i = 0; i < 5; i++) {
    const res = await request.post("/api/v1/auth/token", { headers, data: { email, password: `guess-${i}` } });
    expect(res.status()).toBe(401);
  }
  const limited = await request.post("/api/v1/auth/token", { headers, data: { email, password: "another" } });
  expect(limited.status()).toBe(429);
  expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await limited.json()).error.code).toBe("rate_limited");
});

test("tokens: list and revoke through the API; a revoked token is 401 at once", async ({ request }) => {
  const token = await apiToken(request);
  const list = await (await request.get("/api/v1/tokens", { headers: auth(token) })).json();
  const mine = list.items.at(0);
  expect(mine).toEqual({
    id: expect.any(String),
    name: expect.any(String),
    createdAt: expect.any(String),
    expiresAt: expect.any(String),
    lastUsedAt: expect.anything(),
  });
  const second = await apiToken(request);
  const secondId = (await (await request.get("/api/v1/tokens", { headers: auth(second) })).json()).items[0].id;
  expect((await request.delete(`/api/v1/tokens/${secondId}`, { headers: auth(token) })).status()).toBe(204);
  expect((await request.get("/api/v1/tokens", { headers: auth(second) })).status()).toBe(401);
  expect((await request.delete(`/api/v1/tokens/${secondId}`, { headers: auth(token) })).status()).toBe(404);
});

test("openapi.json documents every endpoint with request schemas that reject unknown fields", async ({ request }) => {
  const doc = await (await request.get("/api/v1/openapi.json")).json();
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(["/health", "/auth/token", "/tokens", "/tenants", "/tenants/{tenantId}", "/users", "/users/{userId}"]),
  );
  const ref: string = doc.paths["/tenants"].post.requestBody.content["application/json"].schema.$ref;
  const body = doc.components.schemas[ref.replace("#/components/schemas/", "")];
  expect(body.additionalProperties).toBe(false);
  expect(body.required).toEqual(["name", "slug"]);
});

test("security headers on pages and API responses", async ({ request }) => {
  const page = await request.get("/signin");
  const csp = page.headers()["content-security-policy"];
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
  expect(page.headers()["x-content-type-options"]).toBe("nosniff");
  expect(page.headers()["referrer-policy"]).toBeTruthy();
  const api = await request.get("/api/v1/health");
  expect(api.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
});

test("the session cookie is httpOnly and sameSite=lax", async ({ page, context }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/tenants/);
  const session = (await context.cookies()).find((c) => c.name.includes("session-token"));
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
});
