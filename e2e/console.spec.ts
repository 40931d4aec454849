import { execFileSync } from "node:child_process";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { auth, removeAll, signIn, tenantWithOwner, uniq } from "./support";

/** Where screenshots for review go (BERTH_SHOTS_DIR), else the test's own output folder. */
const shot = (name: string) => (process.env.BERTH_SHOTS_DIR ? `${process.env.BERTH_SHOTS_DIR}/${name}.png` : test.info().outputPath(`${name}.png`));

/** A shell container of the tenant that stays up, launched through the API with no ports. */
async function launchShell(request: APIRequestContext, token: string, tenantId: string, name: string): Promise<string> {
  const images = await (await request.get("/api/v1/images", { headers: auth(token) })).json();
  const shell = images.items.find((i: { ref: string }) => i.ref === "berth/shell:1");
  const launched = await request.post(`/api/v1/tenants/${tenantId}/containers`, {
    headers: auth(token),
    data: { name, imageId: shell.id, command: ["sh", "-c", "sleep 3600"], memoryMb: 32, cpuMillis: 100 },
  });
  expect(launched.status()).toBe(201);
  return (await launched.json()).id;
}

/** The uid the engine runs the container as (Config.User is "uid:gid"), read from the daemon itself. */
function engineUid(containerId: string): string {
  const dockerId = execFileSync("docker", ["ps", "-q", "--filter", `label=berth.id=${containerId}`], { encoding: "utf8" }).trim();
  return execFileSync("docker", ["inspect", "--format", "{{.Config.User}}", dockerId], { encoding: "utf8" }).trim().split(":")[0];
}

/** The terminal's screen, one string per row, as xterm's DOM renderer draws it. */
async function screen(page: Page): Promise<string[]> {
  const rows = await page.locator(".console-host .xterm-rows > div").allTextContents();
  return rows.map((row) => row.replace(/\u00a0/g, " ").trimEnd());
}

const status = (page: Page) => page.locator(".console-bar [role=status]");
const terminalInput = (page: Page) => page.locator(".console-host textarea");
const size = (page: Page) => page.getByTitle("Terminal size (columns × rows)");
const tabs = (page: Page) => page.getByRole("navigation", { name: "Container sections" });

async function run(page: Page, line: string) {
  await page.keyboard.type(line);
  await page.keyboard.press("Enter");
}

/**
 * `stty size` in the shell prints "rows cols": it must match what the page shows. Asked again
 * if the layout was still settling (one more fit after the size was read).
 */
async function expectSttySize(page: Page) {
  await expect(async () => {
    const [cols, rows] = ((await size(page).textContent()) ?? "").split("×").map((n) => n.trim());
    await run(page, "clear; stty size");
    await expect.poll(() => screen(page), { timeout: 3000 }).toContain(`${rows} ${cols}`);
  }).toPass({ timeout: 15_000 });
}

test("a member opens a shell in the Console tab: the tenant's uid, vi full screen, Ctrl+C, copy and paste, resize, 390 px, end and reconnect", async ({
  page,
  context,
  request,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const a = await tenantWithOwner(request, "console");
  try {
    const containerId = await launchShell(request, a.token, a.tenant.id, "box");
    const uid = engineUid(containerId);
    expect(uid).toMatch(/^[1-9]\d*$/);

    await signIn(page, a.email, a.password);
    await page.goto(`/containers/${containerId}`);
    await tabs(page).getByRole("link", { name: "Console" }).click();
    await expect(status(page)).toHaveText("Connected");
    // The keyboard is the terminal's from the start.
    await expect(terminalInput(page)).toBeFocused();

    await run(page, "id -u");
    await expect.poll(() => screen(page)).toContain(uid);
    await page.screenshot({ path: shot("console-connected-1280") });

    // A full-screen program draws through untouched bytes; quitting it gives the prompt back.
    await run(page, "vi");
    await expect.poll(async () => (await screen(page)).filter((row) => row === "~").length).toBeGreaterThan(5);
    await page.keyboard.press("Escape");
    // vi reads an Escape followed at once by more bytes as one key (a function key's escape
    // sequence): a person's pause, which Playwright's typing does not have.
    await page.waitForTimeout(300);
    await run(page, ":q!");
    await expect.poll(async () => (await screen(page)).filter((row) => row === "~").length).toBe(0);
    await run(page, "echo back-$((40+2))");
    await expect.poll(() => screen(page)).toContain("back-42");

    // Ctrl+C is the shell's interrupt, not the browser's copy.
    // (Pressed once the program runs: a ^C that reaches the shell before it has started the program interrupts nothing.)
    await run(page, "sh -c 'echo sleeping-$((2*5)); exec sleep 600'");
    await expect.poll(() => screen(page)).toContain("sleeping-10");
    await page.keyboard.press("Control+C");
    await run(page, "echo interrupted-$((1+1))");
    await expect.poll(() => screen(page)).toContain("interrupted-2");

    // Copy and paste take Shift, as in desktop terminals: a double-clicked word is copied, and pasted text is typed into the shell.
    await run(page, "echo copy-$((3*4))");
    await expect.poll(() => screen(page)).toContain("copy-12");
    const copied = (await page.locator(".console-host .xterm-rows > div", { hasText: /^copy-12/ }).boundingBox())!;
    // xterm's layers lie over its rows: a click at the row's place, as a person's would be.
    await page.mouse.dblclick(copied.x + 10, copied.y + copied.height / 2);
    await page.keyboard.press("Control+Shift+C");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("copy-12");
    await page.evaluate(() => navigator.clipboard.writeText("echo pasted-$((6*7))"));
    await page.keyboard.press("Control+Shift+V");
    await page.keyboard.press("Enter");
    await expect.poll(() => screen(page)).toContain("pasted-42");

    // Clicking the terminal keeps (or gives back) the keyboard.
    await tabs(page).getByRole("link", { name: "Console" }).focus();
    await page.locator(".console-screen").click();
    await expect(terminalInput(page)).toBeFocused();

    // The terminal follows the window; the shell sees each new size.
    await expectSttySize(page);
    const before = await size(page).textContent();
    await page.setViewportSize({ width: 1000, height: 620 });
    await expect(size(page)).not.toHaveText(before ?? "");
    await expectSttySize(page);

    // At 390 px: no sideways scroll of the page, the terminal fits the width and still works.
    await page.setViewportSize({ width: 390, height: 800 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    const box = await page.locator(".console-host .xterm-screen").boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    await page.locator(".console-screen").click();
    await expectSttySize(page);
    await page.screenshot({ path: shot("console-connected-390"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    // The shell exits: the page says so, and Reconnect opens a new session with a new ticket.
    await run(page, "exit");
    await expect(status(page)).toHaveText("Session ended. The shell exited.");
    await page.screenshot({ path: shot("console-ended-1280") });
    await page.getByRole("button", { name: "Reconnect" }).click();
    await expect(status(page)).toHaveText("Connected");
    await run(page, "echo again-$((2+3))");
    await expect.poll(() => screen(page)).toContain("again-5");
    await page.getByRole("button", { name: "End session" }).click();
    await expect(status(page)).toHaveText("Session ended. You ended the session.");

    // The container stops under an open session: ended with the reason, and a new ticket is refused.
    await page.getByRole("button", { name: "Reconnect" }).click();
    await expect(status(page)).toHaveText("Connected");
    expect((await request.post(`/api/v1/containers/${containerId}/stop`, { headers: auth(a.token) })).status()).toBe(200);
    await expect(status(page)).toHaveText("Session ended. The container stopped.", { timeout: 30_000 });
    await page.getByRole("button", { name: "Reconnect" }).click();
    await expect(page.locator(".console-error")).toContainText("not running");
    await page.screenshot({ path: shot("console-refused-1280") });

    // Opened again while stopped: the tab says to start it instead of showing a terminal.
    await page.reload();
    await expect(page.getByText("The container is not running")).toBeVisible();
    await expect(page.locator(".console-host")).toHaveCount(0);
  } finally {
    await removeAll(request, a.token, a.tenant.id);
  }
});

test("an operator gets no Console tab and no console", async ({ page, request }) => {
  const a = await tenantWithOwner(request, "console-op");
  try {
    const containerId = await launchShell(request, a.token, a.tenant.id, "box");
    const operator = { email: `${uniq("op")}@e2e.berth`, password: "operator-password-1" };
    expect((await request.post("/api/v1/users", { headers: auth(a.adminToken), data: { ...operator, role: "operator" } })).status()).toBe(201);
    await signIn(page, operator.email, operator.password);
    await page.goto(`/containers/${containerId}`);
    await expect(tabs(page).getByRole("link", { name: "Logs" })).toBeVisible();
    await expect(tabs(page).getByRole("link", { name: "Console" })).toHaveCount(0);
    // Asking for the tab by its address shows no terminal either.
    await page.goto(`/containers/${containerId}?tab=console`);
    await expect(tabs(page)).toBeVisible();
    await expect(page.locator(".console-host")).toHaveCount(0);
  } finally {
    await removeAll(request, a.token, a.tenant.id);
  }
});
