import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { assertCreateOptions } from "./assert-create-options";
import { buildCreateOptions } from "./build-create-options";
import type { ExpectedScope } from "./expected-scope";
import { NAME_PATTERN, parseLaunchRequest, type LaunchRequestInput } from "./launch-request";
import type { TenantContext } from "./tenant-context";
import { verifyInspect } from "./verify-inspect";
import { at, type Json } from "./__fixtures__/built";
import { sampleScope } from "./__fixtures__/sample";

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const noNul = fc.string({ maxLength: 40 }).filter((s) => !s.includes("\u0000"));
const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/).filter((s) => s !== "." && s !== "..");

interface Case {
  input: LaunchRequestInput;
  ctx: TenantContext;
}

const contextArb = fc.record({
  slug: fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,30}$/),
  uid: fc.integer({ min: 10000, max: 2 ** 31 - 1 }),
  gid: fc.integer({ min: 10000, max: 2 ** 31 - 1 }),
  maxMemoryMb: fc.integer({ min: 16, max: 65536 }),
  maxCpuMillis: fc.integer({ min: 50, max: 64000 }),
  allowWritableRootfs: fc.boolean(),
  netBind: fc.boolean(),
  healthcheck: fc.option(
    fc.record({
      test: fc.oneof(
        fc.tuple(fc.constant("CMD"), noNul).map((t) => [...t]),
        fc.tuple(fc.constant("CMD-SHELL"), noNul).map((t) => [...t]),
      ),
      intervalSeconds: fc.integer({ min: 1, max: 3600 }),
      timeoutSeconds: fc.integer({ min: 1, max: 600 }),
      retries: fc.integer({ min: 1, max: 10 }),
    }),
    { nil: undefined },
  ),
  defaultCommand: fc.option(fc.array(noNul, { maxLength: 4 }), { nil: undefined }),
  hostIp: fc.constantFrom("127.0.0.1", "10.1.2.3", "::1"),
  runtime: fc.constantFrom(undefined, "runsc"),
  limits: fc.option(
    fc.record({
      pids: fc.integer({ min: 1, max: 32768 }),
      nofile: fc.integer({ min: 1, max: 1_048_576 }),
      tmpSizeMb: fc.integer({ min: 1, max: 4096 }),
      logMaxSize: fc.constantFrom("1m", "10m", "100m", "512k"),
      logMaxFile: fc.integer({ min: 1, max: 20 }),
    }),
    { nil: undefined },
  ),
});

const caseArb: fc.Arbitrary<Case> = contextArb.chain((c) =>
  fc
    .record({
      name: fc.stringMatching(NAME_PATTERN),
      byRef: fc.boolean(),
      command: fc.option(fc.array(noNul, { maxLength: 8 }), { nil: undefined }),
      env: fc.option(
        fc.dictionary(
          fc.stringMatching(ENV_KEY).filter((k) => !["__proto__", "constructor", "prototype"].includes(k)),
          noNul,
          { maxKeys: 10 },
        ),
        { nil: undefined },
      ),
      ports: fc.uniqueArray(fc.record({ container: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom("tcp" as const, "udp" as const) }), {
        maxLength: 16,
        selector: (p) => `${p.container}/${p.protocol}`,
      }),
      volumes: fc.uniqueArray(
        fc.record({
          volume: fc.constantFrom("data", "cache", "media"),
          path: fc
            .array(segment, { minLength: 1, maxLength: 4 })
            .map((s) => `/${s.join("/")}`)
            .filter((p) => !/^\/(proc|sys|dev|tmp)(\/|$)/.test(p)),
          readOnly: fc.boolean(),
        }),
        { maxLength: 8, selector: (v) => v.path },
      ),
      memoryMb: fc.integer({ min: 16, max: c.maxMemoryMb }),
      cpuMillis: fc.integer({ min: 50, max: c.maxCpuMillis }),
      readOnlyRootfs: c.allowWritableRootfs ? fc.boolean() : fc.constant(true),
      restart: fc.constantFrom("no" as const, "on-failure" as const),
    })
    .map(({ byRef, ...r }): Case => {
      const image = { id: "img1", ref: `registry.local/${c.slug}/app:1`, defaultCommand: c.defaultCommand, healthcheck: c.healthcheck };
      const input: LaunchRequestInput = { ...r, ...(byRef ? { image: image.ref } : { imageId: image.id }) };
      const ctx: TenantContext = {
        tenantId: `tenant-${c.slug}`,
        tenantSlug: c.slug,
        berthId: "c1",
        containerName: r.name,
        uid: c.uid,
        gid: c.gid,
        networkName: `berth-${c.slug}`,
        allowedCapabilities: c.netBind ? ["NET_BIND_SERVICE"] : [],
        maxMemoryMb: c.maxMemoryMb,
        maxCpuMillis: c.maxCpuMillis,
        allowWritableRootfs: c.allowWritableRootfs,
        image,
        hostIp: c.hostIp,
        hostPorts: r.ports.map((p, i) => ({ ...p, hostPort: 20000 + i })),
        volumes: { data: `berth-${c.slug}-data`, cache: `berth-${c.slug}-cache`, media: `berth-${c.slug}-media` },
        runtime: c.runtime,
        limits: c.limits,
      };
      return { input, ctx };
    }),
);

function scopeFor(ctx: TenantContext): ExpectedScope {
  return {
    tenantId: ctx.tenantId,
    uid: ctx.uid,
    gid: ctx.gid,
    networkName: ctx.networkName,
    allowedCapabilities: ctx.allowedCapabilities,
    allowedImageRefs: [ctx.image.ref],
    ownedVolumeNames: Object.values(ctx.volumes),
    hostIp: ctx.hostIp,
    portRange: { from: 20000, to: 29999 },
    allowWritableRootfs: ctx.allowWritableRootfs,
    allowedRuntimes: ctx.runtime === undefined ? [] : [ctx.runtime],
    berthId: ctx.berthId,
    maxMemoryMb: ctx.maxMemoryMb,
    maxCpuMillis: ctx.maxCpuMillis,
    requireHealthcheck: ctx.image.healthcheck !== undefined,
  };
}

function buildJson({ input, ctx }: Case): Json {
  const parsed = parseLaunchRequest(JSON.parse(JSON.stringify(input)));
  if (!parsed.ok) throw new Error(`valid request refused: ${JSON.stringify(parsed.violations)}`);
  const built = buildCreateOptions(parsed.value, ctx);
  if (!built.ok) throw new Error(`valid request not built: ${JSON.stringify(built.violations)}`);
  return JSON.parse(JSON.stringify(built.options)) as Json;
}

/** Spells a key in a different case, as Go's JSON decoder would still accept it. */
const recase = (key: string) =>
  fc
    .array(fc.boolean(), { minLength: key.length, maxLength: key.length })
    .map((flips) => [...key].map((ch, i) => (flips[i] === true ? ch.toUpperCase() : ch.toLowerCase())).join(""));

type Mutation = (o: Json, scope: ExpectedScope) => void;
// Recreates HostConfig when an earlier mutation deleted it, so mutations compose.
const hc = (o: Json): Json => {
  if (typeof o.HostConfig !== "object" || o.HostConfig === null) o.HostConfig = {};
  return at(o, "HostConfig");
};
const dangerous: [string, unknown][] = [
  ["Privileged", true],
  ["Binds", ["/:/host"]],
  ["CapAdd", ["SYS_ADMIN"]],
  ["NetworkMode", "host"],
  ["PidMode", "host"],
  ["SecurityOpt", ["seccomp=unconfined"]],
  ["Devices", [{ PathOnHost: "/dev/mem" }]],
  ["UsernsMode", "host"],
  ["GroupAdd", ["0"]],
  ["Memory", 0],
  ["ReadonlyRootfs", false],
  ["Init", false],
  ["PublishAllPorts", true],
];

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom<Mutation>(
    (o) => {
      hc(o).Privileged = true;
    },
    (o) => {
      hc(o).Binds = ["/var/run/docker.sock:/var/run/docker.sock"];
    },
    (o) => {
      o.User = "0";
    },
    (o) => {
      o.User = "0:0";
    },
    (o) => {
      o.User = "root";
    },
    (o, s) => {
      o.User = `${s.uid}`;
    },
    (o, s) => {
      o.User = `${s.uid + 1}:${s.gid}`;
    },
    (o) => {
      delete o.User;
    },
    (o) => {
      hc(o).CapAdd = ["SYS_ADMIN"];
    },
    (o) => {
      hc(o).CapDrop = [];
    },
    (o) => {
      hc(o).NetworkMode = "host";
    },
    (o) => {
      hc(o).NetworkMode = "bridge";
    },
    (o) => {
      hc(o).PidMode = "host";
    },
    (o) => {
      hc(o).IpcMode = "host";
    },
    (o) => {
      delete hc(o).Memory;
    },
    (o) => {
      hc(o).MemorySwap = -1;
    },
    (o) => {
      delete hc(o).NanoCpus;
    },
    (o) => {
      hc(o).SecurityOpt = ["no-new-privileges:true", "seccomp=unconfined"];
    },
    (o) => {
      hc(o).SecurityOpt = [];
    },
    (o) => {
      at(o, "Labels")["berth.tenant"] = "someone-else";
    },
    (o) => {
      at(o, "Labels")["com.example.extra"] = "x";
    },
    (o) => {
      delete at(o, "Labels")["berth.managed"];
    },
    (o) => {
      o.Image = "docker.io/library/alpine:latest";
    },
    (o) => {
      hc(o).Mounts = [{ Type: "bind", Source: "/", Target: "/host", ReadOnly: false }];
    },
    (o) => {
      hc(o).Devices = [{ PathOnHost: "/dev/kmsg", PathInContainer: "/dev/kmsg", CgroupPermissions: "rwm" }];
    },
    (o) => {
      hc(o).RestartPolicy = { Name: "always" };
    },
    (o) => {
      hc(o).RestartPolicy = { Name: "unless-stopped" };
    },
    (o, s) => {
      if (!s.allowWritableRootfs) delete hc(o).ReadonlyRootfs;
      else hc(o).Init = false;
    },
    (o) => {
      delete hc(o).Init;
    },
    (o) => {
      hc(o).PidsLimit = 0;
    },
    (o) => {
      hc(o).Ulimits = [];
    },
    (o) => {
      at(o, "HostConfig", "LogConfig").Type = "none";
    },
    (o) => {
      delete hc(o).Tmpfs;
    },
    (o) => {
      hc(o).PublishAllPorts = true;
    },
    (o) => {
      o.name = "berth-other-web";
    },
    (o) => {
      delete o.HostConfig;
    },
    (o) => {
      hc(o).Sysctls = { "kernel.core_pattern": "|/tmp/x" };
    },
    (o) => {
      hc(o).UsernsMode = "host";
    },
    (o) => {
      hc(o).Runtime = "evil";
    },
    (o) => {
      hc(o).MaskedPaths = [];
    },
    (o) => {
      hc(o).VolumesFrom = ["other"];
    },
    (o) => {
      hc(o).CgroupParent = "/";
    },
    (o) => {
      o.Entrypoint = ["/bin/sh"];
    },
  ),
  // A dangerous field under a different spelling, at the top level or in HostConfig. A
  // zero value at the top level is harmless (the daemon only merges non-zero ones), so
  // those go into HostConfig, where they overwrite Berth's value.
  fc.tuple(fc.constantFrom(...dangerous), fc.boolean()).chain(([[key, value], topLevel]) =>
    recase(key).map((spelled): Mutation => (o) => {
      (topLevel && value !== 0 && value !== false ? o : hc(o))[spelled] = value;
    }),
  ),
  // Any unknown field with a non-empty value.
  fc
    .tuple(fc.stringMatching(/^[A-Za-z]{1,12}$/), fc.constantFrom<unknown>(true, 1, "x", ["x"], { a: 1 }), fc.boolean())
    .map(([name, value, topLevel]): Mutation => (o) => {
      (topLevel ? o : hc(o))[`X${name}`] = value;
    }),
);

describe("properties", () => {
  test("every valid request in every valid tenant context builds options that pass the assertion", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        expect(assertCreateOptions(buildJson(c), scopeFor(c.ctx))).toEqual([]);
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  test("every mutation of a hardened body is caught", () => {
    fc.assert(
      fc.property(caseArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (c, mutations) => {
        const o = buildJson(c);
        const scope = scopeFor(c.ctx);
        mutations[0](o, scope); // applies to the intact body, so at least one mutation is always made
        for (const mutate of mutations.slice(1)) {
          try {
            mutate(o, scope);
          } catch {
            // An earlier mutation removed what this one changes (e.g. the whole HostConfig).
          }
        }
        expect(assertCreateOptions(o, scope).length).toBeGreaterThan(0);
      }),
      { numRuns: 600 },
    );
  }, 60_000);

  test("arbitrary input never throws and is never accepted silently", () => {
    const anything = fc.anything({ withObjectString: true, withNullPrototype: true, withBoxedValues: true, withSparseArray: true });
    fc.assert(
      fc.property(anything, (input) => {
        const parsed = parseLaunchRequest(input);
        if (!parsed.ok) expect(parsed.violations.length).toBeGreaterThan(0);
        expect(assertCreateOptions(input, sampleScope()).length).toBeGreaterThan(0);
        expect(verifyInspect(input, sampleScope()).length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  }, 60_000);
});
