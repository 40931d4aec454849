import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, expect, test, type Browser, type Page } from "@playwright/test";
import { auth, edgeAddress, removeAll, tenantWithOwner } from "./support";

/**
 * The portal and a tenant app through Berth's edge, in a Chromium that trusts Berth's internal
 * CA (added to the profile's NSS database with certutil) and maps *.berth.test to the edge's
 * address (loopback; on the local Swarm the manager's, BERTH_EDGE_ADDRESS).
 * No certificate error is ignored: a bad certificate fails the navigation.
 */

const httpsPort = Number(process.env.BERTH_HTTPS_PORT ?? 19843);
const portal = process.env.BERTH_PORTAL_URL ?? `https://portal.berth.test:${httpsPort}`;
const appsDomain = process.env.BERTH_APPS_DOMAIN ?? "apps.berth.test";

// The echo app: busybox nc answers each request with the request's own headers, and sets two
// cookies for the parent domain the portal and the apps share, named like the portal's.
const ECHO = [
  "nc",
  "-ll",
  "-p",
  "8080",
  "-e",
  "sh",
  "-c",
  'h=""; while IFS= read -r l; do l=${l%$(printf "\\r")}; [ -z "$l" ] && break; h="$h$l\n"; done; ' +
    'printf "HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n' +
    "Set-Cookie: authjs.session-token=planted; Domain=berth.test; Path=/\\r\\n" +
    'Set-Cookie: __Host-authjs.session-token=planted; Domain=berth.test; Path=/; Secure\\r\\n\\r\\n%b" "$h"',
];

let home: string;
let browser: Browser;

test.beforeAll(async ({ request }) => {
  // The edge makes its CA on its first certificate; the API hands out the root (api-v1.md "Ingress").
  const token = await (
    await request.post("/api/v1/auth/token", { data: { email: "admin@e2e.berth", password: "e2e-admin-password", name: "ingress" } })
  ).json();
  let ca: string | undefined;
  for (let i = 0; i < 60 && !ca; i++) {
    const info = await (await request.get("/api/v1/ingress", { headers: auth(token.token) })).json();
    expect(info).toMatchObject({ portalUrl: portal, appsDomain, httpsPort, tls: "internal" });
    ca = info.caCertificate;
    if (!ca) await new Promise((r) => setTimeout(r, 500));
  }
  expect(ca, "the edge made its internal CA").toContain("BEGIN CERTIFICATE");
  home = mkdtempSync(path.join(tmpdir(), "berth-chromium-"));
  const nss = path.join(home, ".pki", "nssdb");
  execFileSync("mkdir", ["-p", nss]);
  writeFileSync(path.join(home, "ca.crt"), ca ?? "");
  execFileSync("certutil", ["-d", `sql:${nss}`, "-N", "--empty-password"]);
  execFileSync("certutil", ["-d", `sql:${nss}`, "-A", "-t", "C,,", "-n", "Berth e2e internal CA", "-i", path.join(home, "ca.crt")]);
  browser = await chromium.launch({
    executablePath: process.env.BERTH_CHROMIUM ?? "/usr/lib/chromium/chromium",
    env: { ...process.env, HOME: home },
    // HTTP/1.1: Chromium closes its HTTP/2 sessions, requests in flight included, whenever a
    // network interface appears on its host (ERR_NETWORK_CHANGED), and Docker adds one for every
    // container these tests start on this same host. A browser elsewhere never sees that.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-http2",
      `--host-resolver-rules=MAP *.berth.test ${edgeAddress}`,
    ],
  });
});

test.afterAll(async () => {
  await browser?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

async function signInAt(page: Page, email: string, password: string) {
  // The edge may still be starting when the first test begins (its container is made by the
  // portal's first sync): a refused connection is tried again for a while (seen once in CI).
  for (let i = 0; i < 40; i++) {
    if (
      await page.goto(`${portal}/signin`).then(
        () => true,
        () => false,
      )
    )
      break;
    await page.waitForTimeout(500);
  }
  await expect(page).toHaveURL(/\/signin/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/signin/);
}

/** Reloads until the edge has picked up the route (it follows the database within seconds). */
async function openWhenRouted(page: Page, url: string, text: string | RegExp) {
  for (let i = 0; i < 40; i++) {
    const res = await page.goto(url).catch(() => null);
    if (res?.status() === 200 && (await page.textContent("body"))?.match(text)) return;
    await page.waitForTimeout(500);
  }
  await expect(page.locator("body")).toContainText(text);
}

test("a member launches the static web server and opens its https:// URL from the container page; the portal's cookie stays on the portal", async ({
  request,
}) => {
  const a = await tenantWithOwner(request, "edge");
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    // An app that echoes what it received, and tries to plant the portal's cookie.
    const echo = await request.post(`/api/v1/tenants/${a.tenant.id}/containers`, {
      headers: auth(a.token),
      data: { name: "echo", image: "berth/shell:1", command: ECHO, ports: [{ container: 8080 }], memoryMb: 32, cpuMillis: 100 },
    });
    expect(echo.status()).toBe(201);
    const echoUrl = ((await echo.json()) as { ports: { url: string }[] }).ports[0].url;
    const page = await context.newPage();
    await signInAt(page, a.email, a.password);
    const session = (await context.cookies(portal)).find((c) => c.name.endsWith("authjs.session-token"));
    expect(session).toMatchObject({ name: "__Host-authjs.session-token", secure: true, httpOnly: true, path: "/" });
    expect((await page.goto(`${portal}/dashboard`))?.headers()["strict-transport-security"]).toBe("max-age=31536000");

    await page.getByRole("link", { name: "Launch container" }).click();
    await page.getByText("Static web server").click();
    await page.getByLabel("Name").fill("site");
    await page.getByRole("button", { name: "Launch" }).click();
    // A launch returns once the container runs and passed the verifier; on Swarm that includes
    // the task being placed and its container checked on its node, so it may take a while.
    await expect(page).toHaveURL(/\/containers\/(?!new$)[a-z0-9]+$/, { timeout: 30_000 });
    const appUrl = `https://site--${a.tenant.slug}.${appsDomain}:${httpsPort}/`;
    const link = page.getByRole("link", { name: appUrl });
    await expect(link).toBeVisible();

    // The console through the edge: wss:// on the portal's origin, the session's __Host- cookie.
    await page.getByRole("navigation", { name: "Container sections" }).getByRole("link", { name: "Console" }).click();
    await expect(page.locator(".console-bar [role=status]")).toHaveText("Connected");
    await page.keyboard.type("echo edge-$((6*7))");
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await page.locator(".console-host .xterm-rows > div").allTextContents()).join("\n")).toContain("edge-42");
    await page.getByRole("navigation", { name: "Container sections" }).getByRole("link", { name: "Overview" }).click();

    const [app] = await Promise.all([context.waitForEvent("page"), link.click()]);
    await openWhenRouted(app, appUrl, "Hello from Berth");
    await expect(app.getByRole("heading", { name: "Hello from Berth" })).toBeVisible();
    await app.close();

    const echoPage = await context.newPage();
    await openWhenRouted(echoPage, echoUrl, /Host: echo--/);
    const received = (await echoPage.textContent("body")) ?? "";
    expect(received).not.toContain("authjs.session-token");
    expect(received).not.toContain(session?.value ?? "no session");

    // The parent-domain cookie does not replace the portal's session: a __Host- cookie cannot
    // be set with a Domain, and the portal reads only that one.
    const after = (await context.cookies(portal)).filter((c) => c.name === "__Host-authjs.session-token");
    expect(after.map((c) => c.value)).toEqual([session?.value]);
    await page.reload();
    await expect(page.getByRole("heading", { name: /site/ })).toContainText("running");
    await expect(page).not.toHaveURL(/\/signin/);
  } finally {
    await context.close();
    await removeAll(request, a.token, a.tenant.id);
  }
});
