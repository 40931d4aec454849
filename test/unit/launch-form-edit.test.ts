import { describe, expect, it } from "vitest";
import {
  formStateFromContainer,
  launchFormReducer,
  parsePorts,
  portsTextOf,
  toEditRequest,
  toLaunchRequest,
  type ContainerValues,
} from "@/components/launch-form-state";

const image = { id: "img1", defaultCommand: ["httpd"], defaultPort: 8080 };
const values: ContainerValues = {
  name: "web",
  imageId: "img2",
  command: ["sh", "-c", "echo hi; sleep 9"],
  envKeys: ["GREETING", "API_KEY"],
  ports: [
    { container: 8080, protocol: "tcp", expose: "https" },
    { container: 5353, protocol: "udp", expose: "port" },
  ],
  volumes: [{ volume: "data", path: "/data", readOnly: false }],
  memoryMb: 96,
  cpuMillis: 250,
  readOnlyRootfs: true,
  restart: "on-failure",
};

describe("the launch form filled from a container", () => {
  it("an edit keeps the name, lists the env keys with blank values that keep the current ones, and sends no name or volumes", () => {
    const state = formStateFromContainer(values, image, "edit");
    expect(state).toMatchObject({ name: "web", imageId: "img2", ports: "8080, 5353/udp", memoryMb: 96, cpuMillis: 250, restart: "on-failure" });
    expect(state.env).toEqual([
      { key: "GREETING", value: "", masked: false, keep: true },
      { key: "API_KEY", value: "", masked: false, keep: true },
    ]);
    const typed = launchFormReducer(state, { type: "editEnv", index: 0, change: { value: "hello" } });
    const request = toEditRequest(launchFormReducer(typed, { type: "setMemory", memoryMb: 128 }), ["sh", "-c", "echo hi; sleep 9"]);
    expect(request).not.toHaveProperty("name");
    expect(request).not.toHaveProperty("volumes");
    expect(request).toMatchObject({ imageId: "img2", memoryMb: 128, env: { GREETING: "hello", API_KEY: null } });
    expect(request.ports).toEqual(parsePorts("8080, 5353/udp"));
  });

  it("a renamed variable no longer keeps a value, and a removed one is left out (removed from the container)", () => {
    let state = formStateFromContainer(values, image, "edit");
    state = launchFormReducer(state, { type: "editEnv", index: 1, change: { key: "TOKEN_KEY" } });
    state = launchFormReducer(state, { type: "removeEnv", index: 0 });
    expect(toEditRequest(state, undefined).env).toEqual({ TOKEN_KEY: "" });
  });

  it("a duplicate gets a new name, the same settings and volumes, and env keys whose values are asked for again", () => {
    const state = formStateFromContainer(values, image, "duplicate");
    expect(state.name).toBe("web-copy");
    expect(state.env.every((r) => r.value === "" && !r.keep)).toBe(true);
    const request = toLaunchRequest(state, undefined);
    expect(request).toMatchObject({
      name: "web-copy",
      env: { GREETING: "", API_KEY: "" },
      volumes: [{ volume: "data", path: "/data", readOnly: false }],
    });
    expect(formStateFromContainer({ ...values, name: "x".repeat(41) }, image, "duplicate").name).toHaveLength(41);
  });

  it("falls back to a catalog image when the container's has left the catalog, and writes ports back as typed", () => {
    expect(formStateFromContainer({ ...values, imageId: null }, image, "edit").imageId).toBe("img1");
    expect(portsTextOf([{ container: 5432, protocol: "tcp", expose: "port" }])).toBe("5432/tcp");
  });
});
