import { randomInt } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import bcrypt from "bcryptjs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { clientInfoFrom } from "@/lib/auth/client-info";
import { signInRules } from "@/lib/auth/login-throttle";
import { verifyPassword } from "@/lib/auth/password";
import { BUSY_MESSAGE, checkPassword, retryMessage } from "@/lib/auth/sign-in";
import { db } from "@/lib/db";
import { ServiceError } from "@/lib/errors";
import { TEST_PASSWORD, client, codeOf, makeUser, uniq } from "./fixtures";

// Counts password checks, so a test can tell a refusal before the hash from one after it.
vi.mock("@/lib/auth/password", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/auth/password")>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword) };
});
const hashChecks = () => vi.mocked(verifyPassword).mock.calls.length;

// The preload scripts/up.sh starts the portal with: it stamps each request's socket peer.
createRequire(import.meta.url)("../../scripts/peer-address.cjs");

const rules = signInRules();
/** A loopback address of this test's own (all of 127/8 is loopback on Linux), as a distinct client. */
const loopback = () => `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
/** An address for calls that skip HTTP; 198.18/15 is for tests, no other file uses it. */
const address = () => `198.${randomInt(18, 20)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
const nobody = () => `${uniq("nobody")}@test.berth`;

const loginEvents = (email: string) =>
  db.activityEvent.findMany({
    where: { actorEmail: email, action: "auth.login" },
    orderBy: { seq: "asc" },
    select: { outcome: true, reason: true, ip: true },
  });

/**
 * The sign-in as the portal serves it: a real HTTP server, headers as Next passes them on,
 * the client address from clientInfoFrom. Answers { status, code }.
 */
let server: http.Server;
let port = 0;
beforeAll(async () => {
  process.env.BERTH_LOGIN_HASHES_PER_SECOND = "1000";
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, String(value));
      const { email, password } = JSON.parse(body) as { email: string; password: string };
      const result = await checkPassword(email, password, clientInfoFrom(headers)).then(
        () => ({ status: 200, code: "ok" }),
        (error: unknown) => ({
          status: error instanceof ServiceError && error.code === "rate_limited" ? 429 : 401,
          code: (error as ServiceError).code,
        }),
      );
      res.writeHead(result.status, { "content-type": "application/json" }).end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  delete process.env.BERTH_LOGIN_HASHES_PER_SECOND;
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => {
  delete process.env.BERTH_TRUSTED_PROXIES;
});

function signInOverHttp(
  from: string,
  body: { email: string; password: string },
  headers: Record<string, string> = {},
): Promise<{ status: number; code: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, localAddress: from, method: "POST", path: "/signin", headers: { "content-type": "application/json", ...headers } },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve(JSON.parse(text)));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe("client address at sign-in (control N5)", () => {
  it("a spoofed X-Forwarded-For neither bypasses the per-address limit nor changes the recorded address", async () => {
    const from = loopback();
    const emails: string[] = [];
    for (let i = 0; i < rules.address.limit; i++) {
      const email = nobody();
      emails.push(email);
      const spoof = { "x-forwarded-for": `203.0.113.${i}`, "x-real-ip": `203.0.113.${i}`, "x-berth-peer": `198.51.100.${i}` };
      expect(await signInOverHttp(from, { email, password: "guess" }, spoof)).toEqual({ status: 401, code: "unauthorized" });
    }
    // A new account and a new forged address: still this client's address, which is spent.
    const email = nobody();
    emails.push(email);
    const last = await signInOverHttp(from, { email, password: "guess" }, { "x-forwarded-for": "203.0.113.250", "x-berth-peer": "198.51.100.250" });
    expect(last).toEqual({ status: 429, code: "rate_limited" });

    const recorded = await db.activityEvent.findMany({ where: { action: "auth.login", actorEmail: { in: emails } }, select: { ip: true } });
    expect(recorded).toHaveLength(rules.address.limit + 1);
    expect(new Set(recorded.map((e) => e.ip))).toEqual(new Set([from]));
  });

  it("behind a trusted proxy: the address the proxy appended counts, not what the client put before it", async () => {
    const proxy = loopback();
    process.env.BERTH_TRUSTED_PROXIES = proxy;
    const user = await makeUser("member");
    const origin = "198.51.100.77";
    for (let i = 0; i < rules.accountAddress.limit; i++) {
      const res = await signInOverHttp(proxy, { email: user.email, password: `guess-${i}` }, { "x-forwarded-for": `10.${i}.0.1, ${origin}` });
      expect(res.code).toBe("unauthorized");
    }
    // The right password, with yet another spoofed entry: this client's account + address is locked.
    const locked = await signInOverHttp(proxy, { email: user.email, password: TEST_PASSWORD }, { "x-forwarded-for": `10.200.0.1, ${origin}` });
    expect(locked.code).toBe("rate_limited");
    const events = await loginEvents(user.email);
    expect(events.map((e) => e.ip)).toEqual(Array(rules.accountAddress.limit + 1).fill(origin));
    // Another client behind the same proxy is not affected.
    expect((await signInOverHttp(proxy, { email: user.email, password: TEST_PASSWORD }, { "x-forwarded-for": "198.51.100.78" })).code).toBe("ok");
  });
});

describe("sign-in throttling", () => {
  it("a stranger's failures do not lock the owner out from the address they normally use", async () => {
    const owner = await makeUser("member");
    const home = address();
    await checkPassword(owner.email, TEST_PASSWORD, { ...client, ip: home });

    // A stranger guesses from many addresses until the account-wide ceiling is reached.
    const strangers = Array.from({ length: Math.ceil(rules.account.limit / rules.accountAddress.limit) }, address);
    for (const ip of strangers) {
      for (let i = 0; i < rules.accountAddress.limit; i++) {
        expect(await codeOf(checkPassword(owner.email, `guess-${i}`, { ...client, ip }))).toBe("unauthorized");
      }
      expect(await codeOf(checkPassword(owner.email, "one more", { ...client, ip }))).toBe("rate_limited");
    }
    // The ceiling now holds the account shut to every address it was never seen at, before any hash check…
    const checks = hashChecks();
    expect(await codeOf(checkPassword(owner.email, TEST_PASSWORD, { ...client, ip: address() }))).toBe("rate_limited");
    expect(hashChecks()).toBe(checks);
    // …but not at home.
    expect((await checkPassword(owner.email, TEST_PASSWORD, { ...client, ip: home })).userId).toBe(owner.id);
  });

  it("a burst of 20 parallel attempts records 20 failures, checks only 5 passwords and lets none through, the right one sent last included", async () => {
    const user = await makeUser("member");
    const ip = address();
    const checks = hashChecks();
    const attempts = Array.from({ length: 20 }, (_, i) => checkPassword(user.email, i === 19 ? TEST_PASSWORD : `guess-${i}`, { ...client, ip }));
    const codes = await Promise.all(attempts.map(codeOf));

    expect(codes.filter((c) => c === "unauthorized")).toHaveLength(rules.accountAddress.limit);
    expect(codes.filter((c) => c === "rate_limited")).toHaveLength(20 - rules.accountAddress.limit);
    expect(codes[19]).toBe("rate_limited");
    // The 6th attempt onwards was refused before its password was hashed.
    expect(hashChecks() - checks).toBe(rules.accountAddress.limit);

    const events = await loginEvents(user.email);
    expect(events).toHaveLength(20);
    expect(events.every((e) => e.outcome === "denied" && e.ip === ip)).toBe(true);
    expect(events.filter((e) => e.reason === "wrong email or password")).toHaveLength(rules.accountAddress.limit);
    expect(events.filter((e) => e.reason?.startsWith("rate limited"))).toHaveLength(20 - rules.accountAddress.limit);
    expect(await db.rateHit.count({ where: { key: `signin:pair:${user.email}|${ip}`, at: { gt: new Date(0) } } })).toBe(rules.accountAddress.limit);
  });

  it("the process-wide cap on password checks refuses a flood before hashing, and does not count it against anyone", async () => {
    process.env.BERTH_LOGIN_HASHES_PER_SECOND = "1";
    try {
      const emails = Array.from({ length: 40 }, nobody);
      const checks = hashChecks();
      const codes = await Promise.all(emails.map((email) => codeOf(checkPassword(email, "guess", { ...client, ip: address() }))));
      const checked = hashChecks() - checks;
      // The bucket holds 20 checks (a bcrypt one costs 20) and refills at 1 a second.
      expect(checked).toBeGreaterThanOrEqual(20);
      expect(checked).toBeLessThan(25);
      expect(codes.filter((c) => c === "rate_limited")).toHaveLength(40 - checked);
      const busy = await db.activityEvent.findMany({ where: { actorEmail: { in: emails }, reason: "rate limited: too many sign-ins at once" } });
      expect(busy).toHaveLength(40 - checked);
      // Refused before the check: no failure recorded for those accounts.
      const refused = busy.map((e) => e.actorEmail!);
      expect(await db.rateHit.count({ where: { key: { in: refused.map((e) => `signin:account:${e}`) }, at: { gt: new Date(0) } } })).toBe(0);
    } finally {
      process.env.BERTH_LOGIN_HASHES_PER_SECOND = "1000";
    }
    expect(BUSY_MESSAGE).toMatch(/try again in a few seconds/);
  });
});

describe("throttle messages", () => {
  it("say minutes up to an hour, then hours (the back-off reaches a day)", () => {
    expect(retryMessage(1)).toBe("Too many attempts — try again in 1 minute.");
    expect(retryMessage(15 * 60)).toBe("Too many attempts — try again in 15 minutes.");
    expect(retryMessage(60 * 60)).toBe("Too many attempts — try again in 60 minutes.");
    expect(retryMessage(60 * 60 + 1)).toBe("Too many attempts — try again in 2 hours.");
    expect(retryMessage(24 * 60 * 60)).toBe("Too many attempts — try again in 24 hours.");
  });
});

describe("password hashes", () => {
  it("a bcrypt hash is upgraded to argon2id on the next successful sign-in and still verifies", async () => {
    const legacy = bcrypt.hashSync(TEST_PASSWORD, 10);
    const user = await db.user.create({
      data: { email: `${uniq("legacy")}@test.berth`, passwordHash: legacy, role: "member" },
      select: { id: true, email: true },
    });
    const stored = () => db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } }).then((u) => u.passwordHash);
    const ip = address();

    expect(await codeOf(checkPassword(user.email, "wrong", { ...client, ip }))).toBe("unauthorized");
    expect(await stored()).toBe(legacy);

    expect((await checkPassword(user.email, TEST_PASSWORD, { ...client, ip })).userId).toBe(user.id);
    const upgraded = await stored();
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    expect((await checkPassword(user.email, TEST_PASSWORD, { ...client, ip })).userId).toBe(user.id);
    expect(await stored()).toBe(upgraded);
    expect(await codeOf(checkPassword(user.email, "wrong", { ...client, ip }))).toBe("unauthorized");
    expect((await loginEvents(user.email)).map((e) => e.outcome)).toEqual(["denied", "allowed", "allowed", "denied"]);
  });
});
