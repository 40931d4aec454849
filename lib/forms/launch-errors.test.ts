import { describe, expect, it } from "vitest";
import { fieldWords, launchErrors, placeError, plainMessage } from "./launch-errors";

describe("the launch form's errors in its own words", () => {
  it.each([
    ["ports[2].container", "must be a whole number from 1 to 65535 (got null)", "ports", "Port 3: enter a whole number from 1 to 65535"],
    ["ports[0].protocol", 'must be "tcp" or "udp"', "ports", 'Port 1, protocol: must be "tcp" or "udp"'],
    ["env.GREETING", "must be at most 8 KiB", "env", "Variable GREETING: must be at most 8 KiB"],
    ["env.OK", "must be a string (got a number)", "env", "Variable OK: must be a string"],
    [
      'env["1BAD"]',
      "must be an object of NAME: value strings",
      "env",
      'Variable 1BAD: use letters, digits and "_" in the name, not starting with a digit',
    ],
    ["volumes[1].path", "a mount target is required", "volumes", "Volume 2, mount path: a mount target is required"],
    ["memoryMb", "must be at most 65536 MB", "memoryMb", "Memory: must be at most 65536 MB"],
    ["imageId", "is required", "imageId", "Image: fill this in"],
    ["image", "give either", "imageId", "Image: give either"],
    ["HostConfig.Privileged", "must be false (got true)", "_form", "must be false"],
  ])("%s", (path, message, field, said) => {
    expect(placeError(path, message)).toMatchObject({ field, message: said });
  });

  it("never shows a request path or what the API got", () => {
    const { byField } = launchErrors({ "ports[0].container": ["must be a whole number from 1 to 65535 (got null)"] });
    expect(byField.ports).toEqual(["Port 1: enter a whole number from 1 to 65535"]);
    expect(JSON.stringify(byField)).not.toMatch(/\[0\]|got null/);
  });

  it("keeps the row an error belongs to, so that row's control is marked and focused", () => {
    const { placed } = launchErrors({ "env.GREETING": ["x"], "volumes[1].path": ["y"], _form: ["z"] });
    expect(placed).toEqual([
      { field: "env", row: "GREETING", message: "Variable GREETING: x" },
      { field: "volumes", row: 1, part: "path", message: "Volume 2, mount path: y" },
      { field: "_form", message: "z" },
    ]);
  });

  it("words", () => {
    expect(fieldWords("volumes[0].volume")).toBe("Volume 1, volume");
    expect(fieldWords("command[1]")).toBe("Command, argument 2");
    expect(plainMessage('must be an absolute path starting with "/" (got "data")')).toBe('must be an absolute path starting with "/"');
  });
});
