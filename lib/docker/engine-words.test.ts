import { describe, expect, it } from "vitest";
import { engineFailure, engineSentence, registryHost } from "./engine-words";

describe("engineSentence", () => {
  it.each([
    [
      'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host',
      "The registry registry-1.docker.io could not be reached (its name does not resolve from this server).",
    ],
    [
      'Get "https://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused',
      "The registry 127.0.0.1:5999 could not be reached (it refused the connection).",
    ],
    ['Get "https://r.example/v2/": net/http: TLS handshake timeout', "The registry r.example did not answer in time."],
    [
      "manifest for 127.0.0.1:5000/berth-e2e/missing:x not found: manifest unknown: manifest unknown",
      "The image was not found in the registry: check its name and tag.",
    ],
    [
      "pull access denied for nosuch/image, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
      "The image was not found in the registry (or it is private, which needs a sign-in Berth does not have).",
    ],
    ["Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", "The engine is not answering."],
    ["connect ECONNREFUSED /var/run/docker.sock", "The engine is not answering."],
    [
      "driver failed programming external connectivity: Bind for 127.0.0.1:25001 failed: port is already allocated",
      "A host port it needs is already in use on this server.",
    ],
    ["Container 3f2a is not running", "The container is not running."],
  ])("%s", (raw, sentence) => {
    expect(engineSentence(raw)).toBe(sentence);
  });

  it("never repeats the resolver's address or the raw chain", () => {
    const said = engineFailure("dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host");
    expect(said).not.toMatch(/10\.255|dial tcp|lookup/);
  });

  it("an unknown failure points at the server log instead of repeating the engine", () => {
    expect(engineSentence("failed to create shim task: OCI runtime create failed: runc: weird")).toBeUndefined();
    expect(engineFailure("failed to create shim task: OCI runtime create failed: runc: weird")).toBe(
      "The engine reported an error (its own words are in the server log).",
    );
  });

  it("finds the registry a failure names", () => {
    expect(registryHost("dial tcp: lookup ghcr.io: no such host")).toBe("ghcr.io");
    expect(registryHost("something else")).toBeUndefined();
  });
});
