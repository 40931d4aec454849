import { describe, expect, test } from "vitest";
import { verifyInspect } from "./verify-inspect";
import type { Violation } from "./violation";
import { at, hardenedInspect } from "./__fixtures__/built";
import { sampleScope } from "./__fixtures__/sample";

const controls = (vs: Violation[]) => vs.map((v) => v.control);

describe("verifyInspect", () => {
  test("accepts the daemon's filled-in defaults of a hardened container", () => {
    const i = hardenedInspect();
    // Values Engine 20.10 reports on its own: cgroup v1 default, explicit runc, CAP_ prefixes.
    expect(at(i, "HostConfig").CgroupnsMode).toBe("host");
    expect(at(i, "HostConfig").Runtime).toBe("runc");
    at(i, "HostConfig").CapAdd = ["CAP_NET_BIND_SERVICE"];
    expect(verifyInspect(i, sampleScope())).toEqual([]);
  });

  test("ignores the image's own labels but polices Berth's label namespace", () => {
    const i = hardenedInspect();
    at(i, "Config", "Labels")["org.opencontainers.image.title"] = "x";
    expect(verifyInspect(i, sampleScope())).toEqual([]);
    at(i, "Config", "Labels")["berth.owner"] = "someone";
    expect(controls(verifyInspect(i, sampleScope()))).toEqual(["O1"]);
  });

  test("reports an anonymous volume from an image VOLUME instruction", () => {
    const i = hardenedInspect();
    (i.Mounts as unknown[]).push({
      Type: "volume",
      Name: "0f3a9c",
      Source: "/var/lib/docker/volumes/0f3a9c/_data",
      Destination: "/var/lib/app",
      Driver: "local",
      RW: true,
    });
    expect(controls(verifyInspect(i, sampleScope()))).toEqual(["H2"]);
  });

  test.each([
    [
      "a shareable IPC namespace",
      (i: ReturnType<typeof hardenedInspect>) => {
        at(i, "HostConfig").IpcMode = "shareable";
      },
      "H5",
    ],
    [
      "PIDs limit removed by docker update",
      (i: ReturnType<typeof hardenedInspect>) => {
        at(i, "HostConfig").PidsLimit = null;
      },
      "R3",
    ],
    [
      "a second network connected later",
      (i: ReturnType<typeof hardenedInspect>) => {
        at(i, "NetworkSettings", "Networks")["berth-other"] = {};
      },
      "N1",
    ],
    [
      "systempaths=unconfined (ReadonlyPaths emptied)",
      (i: ReturnType<typeof hardenedInspect>) => {
        at(i, "HostConfig").ReadonlyPaths = null;
      },
      "U6",
    ],
    [
      "AppArmor unconfined",
      (i: ReturnType<typeof hardenedInspect>) => {
        i.AppArmorProfile = "unconfined";
      },
      "U6",
    ],
    [
      "negative OOM score",
      (i: ReturnType<typeof hardenedInspect>) => {
        at(i, "HostConfig").OomScoreAdj = -999;
      },
      "R1",
    ],
    [
      "OOM killer disabled",
      (i: ReturnType<typeof hardenedInspect>) => {
        at(i, "HostConfig").OomKillDisable = true;
      },
      "R1",
    ],
    [
      "a name without Berth's prefix",
      (i: ReturnType<typeof hardenedInspect>) => {
        i.Name = "/web";
      },
      "O3",
    ],
    [
      "a host-published port",
      (i: ReturnType<typeof hardenedInspect>) => {
        at(i, "HostConfig", "PortBindings", "8080/tcp", 0).HostIp = "0.0.0.0";
      },
      "N2",
    ],
    [
      "Binds in inspect",
      (i: ReturnType<typeof hardenedInspect>) => {
        at(i, "HostConfig").Binds = ["/var/run/docker.sock:/run/docker.sock"];
      },
      "H7",
    ],
  ])("reports %s", (_, mutate, control) => {
    const i = hardenedInspect();
    mutate(i);
    expect(controls(verifyInspect(i, sampleScope()))).toContain(control);
  });

  test("refuses something that is not inspect output", () => {
    expect(verifyInspect([hardenedInspect()], sampleScope())).toEqual([
      { control: "INPUT", path: "", message: "inspect output must be a JSON object" },
    ]);
    expect(verifyInspect({}, sampleScope()).length).toBeGreaterThan(10);
  });
});
