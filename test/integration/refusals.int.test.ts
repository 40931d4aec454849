import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { createTenant } from "@/lib/services/tenants";
import { createTokenForSelf } from "@/lib/services/tokens";
import { makeActor, uniq } from "./fixtures";

/*
 * "Every refusal is recorded" as a property of the code, not of care: this file enumerates
 * every export of lib/services, every write handler under app/, and every Server Action in
 * lib/actions, sends each one refused call, and fails if that call leaves no event. A new
 * mutation without a case here fails the enumeration, so it cannot be added unaudited.
 *
 * Server Actions read the signed-in user from the Auth.js session, which needs a request
 * that Next builds; the session module is replaced by one that returns the test's actor.
 * Everything behind it (services, SQLite, the engine) is real.
 */
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/session", () => ({
  getSessionActor: async () => session.actor,
  requireSessionActor: async () => {
    if (!session.actor) throw new Error("no session actor set by the test");
    return session.actor;
  },
}));

// startConsole builds the socket's address from the request's Host (next/headers), which has no
// request here either: it gets the direct listener's.
vi.mock("next/headers", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/headers")>()),
  headers: async () => new Headers({ host: "127.0.0.1:3000" }),
}));

type Module = Record<string, unknown>;
const services = import.meta.glob<Module>("/lib/services/*.ts", { eager: true });
const routes = import.meta.glob<Module>("/app/**/route.ts", { eager: true });
const actions = import.meta.glob<Module>("/lib/actions/*.ts", { eager: true });

const randomId = () => `c${randomBytes(12).toString("hex")}`;

let admin: Actor;
let member: Actor; // signed in, in no tenant: refused nearly everything
let tenantId: string;
let memberToken: string;

beforeAll(async () => {
  admin = await makeActor("admin");
  member = await makeActor("member");
  tenantId = (await createTenant(admin, { name: "Refusals", slug: uniq("refusals") })).id;
  memberToken = (await createTokenForSelf(member, { name: "refusals", expiresInDays: 1 })).token;
});

/** The actor as one request with an agent string of its own, to find that request's events. */
function asRequest(actor: Actor): { actor: Actor; agent: string } {
  const agent = uniq("refusal-test");
  return { actor: { ...actor, client: { ...actor.client, userAgent: agent, requestId: uniq("req") } }, agent };
}

async function eventsOf(agent: string) {
  return db.activityEvent.findMany({ where: { userAgent: agent }, select: { action: true, outcome: true, reason: true, tenantId: true } });
}

async function expectRefusalRecorded(agent: string, action: string) {
  const events = await eventsOf(agent);
  expect(events, `no event for a refused ${action}`).toEqual([
    expect.objectContaining({ action, outcome: expect.stringMatching(/^(denied|failed)$/) }),
  ]);
  expect(events[0].reason, "a refusal says why").toBeTruthy();
  // The member is in no tenant: a refusal must never land in the tenant's own feed.
  expect(events[0].tenantId).toBeNull();
}

// ── Service layer ─────────────────────────────────────────────────────────────────────

/** One refused call per command (by the tenant-less member), and the action it records. */
const COMMAND_CASES: Record<string, { action: string; call: (fn: (...args: unknown[]) => Promise<unknown>, actor: Actor) => Promise<unknown> }> = {
  changeContainerState: { action: "container.stop", call: (fn, a) => fn(a, randomId(), "stop") },
  removeContainer: { action: "container.remove", call: (fn, a) => fn(a, randomId()) },
  addCatalogImage: { action: "image.add", call: (fn, a) => fn(a, { ref: "busybox:refused", name: "Refused" }) },
  removeCatalogImage: { action: "image.remove", call: (fn, a) => fn(a, randomId()) },
  pullCatalogImage: { action: "image.pull", call: (fn, a) => fn(a, randomId()) },
  launchContainer: { action: "container.launch", call: (fn, a) => fn(a, tenantId, { name: "x", image: "busybox", memoryMb: 32, cpuMillis: 100 }) },
  updateContainer: { action: "container.update", call: (fn, a) => fn(a, randomId(), { image: "busybox", memoryMb: 32, cpuMillis: 100 }) },
  setQuotaDefaults: { action: "quota.defaults.update", call: (fn, a) => fn(a, {}) },
  setTenantPolicy: { action: "policy.update", call: (fn, a) => fn(a, tenantId, {}) },
  setTenantQuota: { action: "quota.update", call: (fn, a) => fn(a, tenantId, {}) },
  createTenant: { action: "tenant.create", call: (fn, a) => fn(a, { name: "N", slug: uniq("n") }) },
  updateTenant: { action: "tenant.update", call: (fn, a) => fn(a, tenantId, { name: "Taken over" }) },
  createTokenForSelf: { action: "auth.token.create", call: (fn, a) => fn(a, { name: "", expiresInDays: 0 }) },
  revokeToken: { action: "auth.token.revoke", call: (fn, a) => fn(a, randomId()) },
  createUser: {
    action: "user.create",
    call: (fn, a) => fn(a, { email: `${uniq("u")}@test.berth`, password: "long enough password", role: "admin" }),
  },
  updateUser: { action: "user.update", call: (fn, a) => fn(a, randomId(), { role: "admin" }) },
  createVolume: { action: "volume.create", call: (fn, a) => fn(a, tenantId, { name: "data" }) },
  deleteVolume: { action: "volume.remove", call: (fn, a) => fn(a, randomId()) },
  uploadVolumeFiles: { action: "volume.upload", call: (fn, a) => fn(a, randomId(), { files: [new File(["x"], "index.html")] }) },
  archiveActivity: { action: "activity.archive", call: (fn, a) => fn(a, { before: "2026-01-01" }) },
  openConsole: { action: "console.open", call: (fn, a) => fn(a, randomId(), {}, "ws://127.0.0.1") },
  changeOwnPassword: {
    action: "user.password.change",
    call: (fn, a) => fn(a, { currentPassword: "not the current password", newPassword: "a brand new password" }),
  },
  resetUserPassword: { action: "user.password.reset", call: (fn, a) => fn(a, randomId(), { password: "long enough password" }) },
  addTenantMember: { action: "tenant.member.add", call: (fn, a) => fn(a, tenantId, { email: `${uniq("m")}@test.berth`, role: "member" }) },
  removeTenantMember: { action: "tenant.member.remove", call: (fn, a) => fn(a, tenantId, randomId()) },
  drainNode: { action: "node.drain", call: (fn, a) => fn(a, randomId()) },
  activateNode: { action: "node.activate", call: (fn, a) => fn(a, randomId()) },
};

/**
 * Exports of lib/services that are not commands, each with why it needs none. Reads and
 * pure helpers change nothing; steps take a Command or a transaction, so they only run
 * inside a command; the rest record their own events (sign-in) or run as the system.
 */
const NOT_COMMANDS: Record<string, string> = {
  ...Object.fromEntries(
    [
      "recentTenantActivity",
      "canSeeTenantActivity",
      "activityScope",
      "ownedTenantIds",
      "canUseTenantActivity",
      "canUseActivity",
      "findEvents",
      "listActivity",
      "exportActivity",
      "verifyActivityChain",
      "recordedState",
      "statusOf",
      "toContainerDto",
      "listContainers",
      "getContainer",
      "getContainerDetail",
      "containerLogs",
      "containerStats",
      "getTenantDashboard",
      "getEngineHealth",
      "engineReachable",
      "getHealth",
      "listCatalogImages",
      "violationError",
      "contextFor",
      "prepareLaunch",
      "getLaunchOptions",
      "getContainerForm",
      "quotaDefaultColumns",
      "getQuotaDefaults",
      "getTenantPolicy",
      "getTenantUsage",
      "queryTenants",
      "queryUsers",
      "queryContainers",
      "readContainerPage",
      "toTenantDto",
      "listTenants",
      "getTenant",
      "getTenantWithMembers",
      "listTenantMembers",
      "listTokens",
      "toUserDto",
      "listUsers",
      "getUser",
      "listVolumeDetails",
      "listVolumes",
      "listVolumeFiles",
      "volumeDockerName",
      "volumeNameTaken",
      "memberTenant",
      "outcomeOf",
      "command",
      "Command",
      "guardedRead",
      "recordRefusal",
      "stringsOf",
      "healthcheckOf",
      "ingressInfo",
      "consoleSocketBase",
      "consoleAccessNow",
      "appAddressNotes",
      "internalCaRoot",
      "listNodes",
    ].map((name) => [name, "reads or a pure helper"]),
  ),
  FIRST_TENANT_UID: "a constant",
  archiveDir: "a setting",
  assertWriteAllowed: "the commands' own write limit (called by command())",
  assertUnderWriteLimit: "the commands' own write limit, its early read (called by command())",
  hasWriteLimit: "a pure helper of command()",
  launchScopeFor: "a step of launchContainer: the assertion's scope from its reservation, no I/O",
  reserveLaunch: "a step of launchContainer: takes its Command",
  startLaunch: "a step of launchContainer: takes its Command",
  launchOptionsFor:
    "a step of launchContainer and updateContainer: the policy's construction (on Swarm it reads which node holds the volumes), no change",
  sendToEngine: "a step of launchContainer and updateContainer (engine side of a container their reservation holds)",
  readyForEngine: "a step of sendToEngine and updateContainer (the tenant network and the create's scope, before the engine is asked)",
  actionableContainer: "a step of the container commands: takes their Command",
  editedLaunchRequest: "a pure helper of updateContainer",
  insertVolumeRows: "a step: takes the caller's transaction",
  createEngineVolumes: "a step of createVolume and launchContainer (engine side of rows they reserved)",
  allocatePorts: "a step: takes the caller's transaction",
  allocateRoutes: "a step: takes the caller's transaction",
  recordRouteChanges: "records in the caller's transaction (launch, remove)",
  redeemConsoleTicket: "the console WebSocket's first step: records its refusals as console.open itself (tested in console.int.test.ts)",
  refuseConsole: "records a refused console upgrade (console.open denied)",
  recordConsoleClose: "records console.close (the session's end, not a request)",
  createTokenWithPassword: "records every attempt itself (there is no actor yet); tested below",
  ensureFirstAdmin: "runs once at start as the system, recorded",
  seedStarterCatalog: "runs at start as the system, recorded",
  followContainerStates: "a read: the live states stream changes nothing (guarded like a followed log)",
};

describe("every service mutation records its refusal", () => {
  const exported = Object.entries(services).flatMap(([file, mod]) =>
    Object.entries(mod)
      .filter(([, value]) => typeof value === "function")
      .map(([name, fn]) => ({ file, name, fn: fn as ((...args: unknown[]) => Promise<unknown>) & { audited?: true } })),
  );

  it("every export is a command with a refusal case here, or says why it needs none", () => {
    const unclassified = exported
      .filter(({ name, fn }) => (fn.audited ? !COMMAND_CASES[name] : !NOT_COMMANDS[name]))
      .map((e) => `${e.file}: ${e.name}`);
    expect(unclassified, "make these commands (lib/services/command.ts) or classify them").toEqual([]);
    const commands = exported.filter((e) => e.fn.audited).map((e) => e.name);
    expect(Object.keys(COMMAND_CASES).sort()).toEqual([...new Set(commands)].sort());
  });

  for (const [name, { action, call }] of Object.entries(COMMAND_CASES)) {
    it(`${name}: a refused call is recorded as ${action}`, async () => {
      const fn = exported.find((e) => e.name === name && e.fn.audited)?.fn;
      expect(fn, `${name} is exported as a command`).toBeDefined();
      const { actor, agent } = asRequest(member);
      await expect(call(fn!, actor)).rejects.toMatchObject({ code: expect.any(String) });
      await expectRefusalRecorded(agent, action);
    });
  }

  it("a malformed or wrong sign-in for a token is recorded, with no actor yet", async () => {
    const { createTokenWithPassword } = services["/lib/services/tokens.ts"] as {
      createTokenWithPassword: (input: unknown, client: Actor["client"]) => Promise<unknown>;
    };
    for (const input of [{ email: "x" }, { email: `${uniq("nobody")}@test.berth`, password: "wrong password" }]) {
      const agent = uniq("refusal-test");
      await expect(createTokenWithPassword(input, { userAgent: agent, requestId: uniq("req") })).rejects.toMatchObject({});
      expect(await eventsOf(agent)).toEqual([expect.objectContaining({ action: "auth.token.login", outcome: "denied" })]);
    }
  });
});

// ── Route handlers ────────────────────────────────────────────────────────────────────

const WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"] as const;
/** Route files whose writes are not Berth's own doors, with why. */
const NOT_BERTH_ROUTES: Record<string, string> = {
  "/app/api/auth/[...nextauth]/route.ts": "Auth.js's own handler; its credential check is checkPassword, which records every attempt",
};
/** What each write route records when the tenant-less member is refused. */
const ROUTE_ACTIONS: Record<string, string> = {
  "POST /app/(console)/images/pull": "image.add",
  "POST /app/api/v1/auth/token": "auth.token.login",
  "DELETE /app/api/v1/containers/[containerId]": "container.remove",
  "PUT /app/api/v1/containers/[containerId]": "container.update",
  "POST /app/api/v1/containers/[containerId]/restart": "container.restart",
  "POST /app/api/v1/containers/[containerId]/start": "container.start",
  "POST /app/api/v1/containers/[containerId]/stop": "container.stop",
  "DELETE /app/api/v1/images/[imageId]": "image.remove",
  "POST /app/api/v1/images/[imageId]/pull": "image.pull",
  "POST /app/api/v1/images": "image.add",
  "PUT /app/api/v1/quota-defaults": "quota.defaults.update",
  "POST /app/api/v1/tenants/[tenantId]/containers": "container.launch",
  "PUT /app/api/v1/tenants/[tenantId]/policy": "policy.update",
  "PUT /app/api/v1/tenants/[tenantId]/quota": "quota.update",
  "PATCH /app/api/v1/tenants/[tenantId]": "tenant.update",
  "POST /app/api/v1/tenants/[tenantId]/volumes": "volume.create",
  "POST /app/api/v1/tenants": "tenant.create",
  "DELETE /app/api/v1/tokens/[tokenId]": "auth.token.revoke",
  "PATCH /app/api/v1/users/[userId]": "user.update",
  "POST /app/api/v1/users": "user.create",
  "DELETE /app/api/v1/volumes/[volumeId]": "volume.remove",
  "POST /app/api/v1/volumes/[volumeId]/files": "volume.upload",
  "POST /app/api/v1/activity/archive": "activity.archive",
  "POST /app/api/v1/containers/[containerId]/console": "console.open",
  "POST /app/api/v1/account/password": "user.password.change",
  "POST /app/api/v1/users/[userId]/password": "user.password.reset",
  "POST /app/api/v1/tenants/[tenantId]/members": "tenant.member.add",
  "DELETE /app/api/v1/tenants/[tenantId]/members/[userId]": "tenant.member.remove",
  "POST /app/api/v1/nodes/[nodeId]/drain": "node.drain",
  "POST /app/api/v1/nodes/[nodeId]/activate": "node.activate",
};

describe("every write route records its refusal", () => {
  const writes = Object.entries(routes)
    .filter(([file]) => !NOT_BERTH_ROUTES[file])
    .flatMap(([file, mod]) =>
      WRITE_METHODS.filter((m) => typeof mod[m] === "function").map((method) => ({
        key: `${method} ${file.replace(/\/route\.ts$/, "")}`,
        file,
        method,
        handler: mod[method] as (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>,
      })),
    );

  it("every write route has a case here", () => {
    expect(writes.map((w) => w.key).sort()).toEqual(Object.keys(ROUTE_ACTIONS).sort());
  });

  for (const key of Object.keys(ROUTE_ACTIONS)) {
    it(`${key}: a refused call is recorded`, async () => {
      const write = writes.find((w) => w.key === key);
      expect(write, `${key} exists`).toBeDefined();
      const { file, method, handler } = write!;
      const params = Object.fromEntries([...file.matchAll(/\[(\w+)\]/g)].map(([, name]) => [name, name === "tenantId" ? tenantId : randomId()]));
      const agent = uniq("refusal-test");
      const isTokenLogin = key.endsWith("/auth/token");
      const body = isTokenLogin
        ? { email: `${uniq("nobody")}@test.berth`, password: "wrong password" }
        : key.endsWith("/images/pull")
          ? { ref: "busybox:refused", name: "Refused" }
          : {};
      session.actor = asRequest(member).actor;
      session.actor.client.userAgent = agent;
      const response = await handler(
        new Request(`http://127.0.0.1/${key}`, {
          method,
          headers: {
            "content-type": "application/json",
            "user-agent": agent,
            "sec-fetch-site": "same-origin",
            ...(isTokenLogin ? {} : { authorization: `Bearer ${memberToken}` }),
          },
          body: method === "DELETE" ? undefined : JSON.stringify(body),
        }),
        { params: Promise.resolve(params) },
      );
      // The pull route answers 200 and reports the refusal in its stream.
      const text = await response.text();
      if (response.status === 200) expect(text).toContain('"type":"error"');
      else expect(response.status).toBeGreaterThanOrEqual(400);
      await expectRefusalRecorded(agent, ROUTE_ACTIONS[key]);
    });
  }
});

// ── Server Actions ────────────────────────────────────────────────────────────────────

const form = (fields: Record<string, string> = {}) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

/** One refused call per Server Action (by the tenant-less member), and what it records. */
const ACTION_CASES: Record<string, { action: string; call: (fn: (...args: unknown[]) => Promise<unknown>) => Promise<unknown> }> = {
  launchAction: {
    action: "container.launch",
    call: (fn) => fn(tenantId, {}, form({ request: JSON.stringify({ name: "x", image: "busybox", memoryMb: 32, cpuMillis: 100 }) })),
  },
  containerAction: { action: "container.restart", call: (fn) => fn(randomId(), "restart") },
  updateContainerAction: {
    action: "container.update",
    call: (fn) => fn(randomId(), {}, form({ request: JSON.stringify({ image: "busybox", memoryMb: 32, cpuMillis: 100 }) })),
  },
  removeCatalogImageAction: { action: "image.remove", call: (fn) => fn(randomId()) },
  pullCatalogImageAction: { action: "image.pull", call: (fn) => fn(randomId()) },
  setQuotaAction: { action: "quota.update", call: (fn) => fn(tenantId, {}, form({ maxContainers: "1" })) },
  setQuotaDefaultsAction: { action: "quota.defaults.update", call: (fn) => fn({}, form({ maxContainers: "1" })) },
  setPolicyAction: { action: "policy.update", call: (fn) => fn(tenantId, {}, form()) },
  createTenantAction: { action: "tenant.create", call: (fn) => fn({}, form({ name: "N", slug: uniq("n") })) },
  renameTenantAction: { action: "tenant.update", call: (fn) => fn(tenantId, {}, form({ name: "Taken over" })) },
  setTenantSuspendedAction: { action: "tenant.update", call: (fn) => fn(tenantId, true) },
  createTokenAction: { action: "auth.token.create", call: (fn) => fn({}, form({ name: "", expiresInDays: "0" })) },
  revokeTokenAction: { action: "auth.token.revoke", call: (fn) => fn(randomId()) },
  createUserAction: {
    action: "user.create",
    call: (fn) => fn({}, form({ email: `${uniq("u")}@test.berth`, password: "long enough password", role: "admin" })),
  },
  updateUserAction: { action: "user.update", call: (fn) => fn(randomId(), {}, form({ role: "admin" })) },
  createVolumeAction: { action: "volume.create", call: (fn) => fn(tenantId, {}, form({ name: "data" })) },
  deleteVolumeAction: { action: "volume.remove", call: (fn) => fn(randomId()) },
  uploadVolumeFilesAction: { action: "volume.upload", call: (fn) => fn(randomId(), {}, form({ folder: "" })) },
  archiveActivityAction: { action: "activity.archive", call: (fn) => fn({}, form({ before: "2026-01-01" })) },
  startConsole: { action: "console.open", call: (fn) => fn(randomId(), 80, 24) },
  changePasswordAction: {
    action: "user.password.change",
    call: (fn) => fn({}, form({ currentPassword: "not the current password", newPassword: "a brand new password" })),
  },
  resetPasswordAction: { action: "user.password.reset", call: (fn) => fn(randomId(), {}, form({ password: "long enough password" })) },
  addMemberAction: { action: "tenant.member.add", call: (fn) => fn(tenantId, {}, form({ email: `${uniq("m")}@test.berth`, role: "member" })) },
  removeMemberAction: { action: "tenant.member.remove", call: (fn) => fn(tenantId, randomId()) },
  setNodeAvailabilityAction: { action: "node.drain", call: (fn) => fn(randomId(), "drain") },
};
/** Server Actions that change nothing of Berth's, with why. */
const NOT_CHANGES: Record<string, string> = {
  signInAction: "Auth.js sign-in: its credential check is checkPassword, which records every attempt",
  signOutAction: "ends the browser's own session; nothing of Berth's changes",
  switchTenantAction: "a display preference cookie of the browser; nothing of Berth's changes",
};

describe("every Server Action records its refusal", () => {
  const exported = Object.values(actions).flatMap((mod) =>
    Object.entries(mod)
      .filter(([, value]) => typeof value === "function")
      .map(([name, fn]) => ({ name, fn: fn as (...args: unknown[]) => Promise<unknown> })),
  );

  it("every Server Action has a case here, or says why it changes nothing", () => {
    expect(exported.map((e) => e.name).sort()).toEqual([...Object.keys(ACTION_CASES), ...Object.keys(NOT_CHANGES)].sort());
  });

  for (const [name, { action, call }] of Object.entries(ACTION_CASES)) {
    it(`${name}: a refused call is recorded as ${action}`, async () => {
      const fn = exported.find((e) => e.name === name)?.fn;
      expect(fn).toBeDefined();
      const { actor, agent } = asRequest(member);
      session.actor = actor;
      const state = (await call(fn!)) as { ok?: boolean; message?: string; error?: string };
      expect(state.ok, "the form shows the refusal").not.toBe(true);
      // Form actions answer { message }; startConsole answers { ok: false, error }.
      expect(state.message ?? state.error).toBeTruthy();
      await expectRefusalRecorded(agent, action);
    });
  }
});
