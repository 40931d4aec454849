import { describe, expect, test } from "vitest";
import { parseLaunchRequest } from "./launch-request";
import { formatViolation } from "./violation";

const base = { name: "web", imageId: "img1", memoryMb: 128, cpuMillis: 500 };

function refusal(input: unknown): string[] {
  const result = parseLaunchRequest(input);
  if (result.ok) throw new Error("expected a refusal");
  return result.violations.map(formatViolation);
}

describe("parseLaunchRequest", () => {
  test("fills defaults for a minimal request", () => {
    const result = parseLaunchRequest(base);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ ports: [], volumes: [], readOnlyRootfs: true, restart: "no" });
  });

  test("defaults a port's protocol to tcp and a volume to read-write", () => {
    const result = parseLaunchRequest({ ...base, ports: [{ container: 80 }], volumes: [{ volume: "data", path: "/data" }] });
    expect(result.ok && result.value.ports[0]?.protocol).toBe("tcp");
    expect(result.ok && result.value.volumes[0]?.readOnly).toBe(false);
  });

  test("names an unknown field and says why", () => {
    expect(refusal({ ...base, Privileged: true })).toEqual(['Privileged: unknown field "Privileged" — Berth builds every Docker option itself']);
  });

  test("names nested unknown fields with their path", () => {
    expect(refusal({ ...base, volumes: [{ volume: "data", path: "/data", type: "bind" }] })).toEqual([
      'volumes[0].type: unknown field "type" — Berth builds every Docker option itself',
    ]);
  });

  test("explains kernel filesystems in the field's own message", () => {
    expect(refusal({ ...base, volumes: [{ volume: "data", path: "/proc" }] })).toEqual([
      "volumes[0].path: /proc is a kernel filesystem and cannot be a mount target",
    ]);
    expect(refusal({ ...base, volumes: [{ volume: "data", path: "/data/../proc" }] })[0]).toMatch(/normalised/);
  });

  test("accepts /PROC: Linux paths are case-sensitive, so it is an ordinary directory", () => {
    expect(parseLaunchRequest({ ...base, volumes: [{ volume: "data", path: "/PROC" }] }).ok).toBe(true);
  });

  test("says a missing field is required", () => {
    expect(refusal({ imageId: "img1", memoryMb: 128, cpuMillis: 500 })).toEqual(["name: is required"]);
  });

  test("refuses a request that is not an object, with an empty path", () => {
    for (const input of [null, "web", [base], 42]) {
      const result = parseLaunchRequest(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.violations).toEqual([{ control: "INPUT", path: "", message: "the launch request must be a JSON object" }]);
    }
  });

  test.each([1.5, "128", Number.NaN, Number.POSITIVE_INFINITY, -1, 2 ** 60, 65537])("refuses memoryMb %s", (memoryMb) => {
    expect(refusal({ ...base, memoryMb })[0]).toMatch(/^memoryMb: /);
  });

  test("parses env into a null-prototype object and refuses prototype keys", () => {
    const ok = parseLaunchRequest({ ...base, env: { A: "1" } });
    expect(ok.ok && Object.getPrototypeOf(ok.value.env)).toBe(null);
    const hostile = JSON.parse('{"name":"web","imageId":"img1","memoryMb":128,"cpuMillis":500,"env":{"__proto__":{"polluted":"1"}}}') as unknown;
    expect(refusal(hostile)).toEqual(['env.__proto__: "__proto__" cannot be an environment variable name']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("counts env size in bytes, not characters", () => {
    expect(refusal({ ...base, env: { A: "€".repeat(2731) } })).toEqual(["env.A: must be at most 8 KiB"]);
    expect(parseLaunchRequest({ ...base, env: { A: "€".repeat(2730) } }).ok).toBe(true);
  });

  test("refuses duplicate ports and duplicate mount targets at the duplicate", () => {
    expect(refusal({ ...base, ports: [{ container: 80 }, { container: 80, protocol: "tcp" }] })).toEqual(["ports[1]: port 80/tcp is listed twice"]);
    expect(parseLaunchRequest({ ...base, ports: [{ container: 80 }, { container: 80, protocol: "udp" }] }).ok).toBe(true);
    expect(
      refusal({
        ...base,
        volumes: [
          { volume: "a", path: "/data" },
          { volume: "b", path: "/data" },
        ],
      }),
    ).toEqual(["volumes[1].path: /data is already the target of another volume"]);
  });

  test("requires exactly one of image and imageId", () => {
    expect(refusal({ name: "web", memoryMb: 128, cpuMillis: 500 })[0]).toMatch(/^imageId: choose an image/);
    expect(refusal({ ...base, image: "x:1" })[0]).toMatch(/^image: give either/);
  });
});
