import { randomBytes } from "node:crypto";
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
