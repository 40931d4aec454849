import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import https from "node:https";
import Database from "better-sqlite3";
import { expect, type APIRequestContext, type Page } from "@playwright/test";

export const admin = {
  email: process.env.BERTH_ADMIN_EMAIL ?? "admin@e2e.berth",
  password: process.env.BERTH_ADMIN_PASSWORD ?? "e2e-admin-password",
};

export const uniq = (prefix: string) => `${prefix}-${randomBytes(3).toString("hex")}`;

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/signin/);
}

/** A bearer token for the API, from the contract's own endpoint. */
export async function apiToken(request: APIRequestContext, email = admin.email, password = admin.password) {
  const res = await request.post("/api/v1/auth/token", { data: { email, password, name: uniq("e2e") } });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** An admin-made tenant with an owner, through the API as an admin script would. */
export async function tenantWithOwner(request: APIRequestContext, label: string) {
  const admin = await apiToken(request);
  const tenant = await (await request.post("/api/v1/tenants", { headers: auth(admin), data: { name: `Tenant ${label}`, slug: uniq(label) } })).json();
  const email = `${uniq(label)}@e2e.berth`;
  const password = "owner-password-123";
  const created = await request.post("/api/v1/users", {
    headers: auth(admin),
    data: { email, password, role: "member", memberships: [{ tenantId: tenant.id, role: "owner" }] },
  });
  expect(created.status()).toBe(201);
  return { tenant, email, password, token: await apiToken(request, email, password), adminToken: admin };
}

export async function removeAll(request: APIRequestContext, token: string, tenantId: string) {
  const list = await (await request.get(`/api/v1/tenants/${tenantId}/containers`, { headers: auth(token) })).json();
  for (const c of list.items ?? []) await request.delete(`/api/v1/containers/${c.id}`, { headers: auth(token) });
}

/** Read-only look into the e2e database, to check what the portal recorded. */
export function readDb<T>(sql: string, ...params: unknown[]): T[] {
  const url = process.env.DATABASE_URL ?? "";
  const db = new Database(url.replace(/^file:/, ""), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Every container the test launched passes the inspect-verifier (e2e/verify-hardened.ts). */
export function expectHardened(ids: string[]) {
  execFileSync("npx", ["tsx", "--conditions=react-server", "e2e/verify-hardened.ts", ...ids], { stdio: "pipe", env: process.env });
}

/** Where the tests reach Berth's edge: scripts/swarm.sh's env file sets it for the Swarm run. */
export const edgeAddress = process.env.BERTH_EDGE_ADDRESS || "127.0.0.1";

/**
 * GET an app's https:// URL through Berth's edge from Node, trusting only the edge's internal
 * CA (from GET /api/v1/ingress); the name is resolved to the address the edge listens on in the
 * tests (loopback, or BERTH_EDGE_ADDRESS on the local Swarm, where the edge runs on the
 * manager). Retries while the edge picks up a new route (it follows the database within seconds).
 */
export async function getThroughEdge(request: APIRequestContext, token: string, url: string): Promise<{ status: number; body: string }> {
  const { caCertificate } = (await (await request.get("/api/v1/ingress", { headers: auth(token) })).json()) as { caCertificate?: string };
  const target = new URL(url);
  const once = () =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = https.get(
        {
          host: edgeAddress,
          port: Number(target.port || 443),
          servername: target.hostname,
          headers: { host: target.host },
          path: target.pathname,
          ca: caCertificate,
          timeout: 5000,
        },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", reject);
    });
  let last = { status: 0, body: "" };
  for (let i = 0; i < 40; i++) {
    last = await once().catch((e: Error) => ({ status: 0, body: e.message }));
    if (last.status === 200) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  return last;
}
