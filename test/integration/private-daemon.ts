import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A second, private Docker Engine for tests that kill or restart a daemon, so the shared
 * engine is never disturbed. It runs in its own network namespace: started in the host's,
 * a `--bridge none` daemon deletes the main daemon's docker0 (seen on these machines), and
 * `ip netns exec` remounts /sys so the daemon fails; `nsenter --net` does neither.
 */
export class PrivateDaemon {
  readonly dir = mkdtempSync(path.join(tmpdir(), "berth-dockerd-"));
  readonly netns = `berth-test-${process.pid}-${Date.now().toString(36)}`;
  readonly socket = path.join(this.dir, "docker.sock");
  get host(): string {
    return `unix://${this.socket}`;
  }
  private get logFile(): string {
    return path.join(this.dir, "dockerd.log");
  }
  private get pidFile(): string {
    return path.join(this.dir, "docker.pid");
  }

  async start(): Promise<void> {
    if (!existsSync(`/var/run/netns/${this.netns}`)) execFileSync("ip", ["netns", "add", this.netns]);
    const child = spawn(
      "nsenter",
      [
        `--net=/var/run/netns/${this.netns}`,
        "dockerd",
        "--host",
        this.host,
        "--data-root",
        path.join(this.dir, "data"),
        "--exec-root",
        path.join(this.dir, "exec"),
        "--pidfile",
        this.pidFile,
        "--bridge",
        "none",
        "--iptables=false",
        "--ip-masq=false",
      ],
      { detached: true, stdio: ["ignore", openSync(this.logFile, "a"), openSync(this.logFile, "a")] },
    );
    child.unref();
    await this.waitUntil(() => this.answers(), 30_000, "the private dockerd did not start").catch((error: Error) => {
      throw new Error(`${error.message}; its log ends with:\n${readFileSync(this.logFile, "utf8").split("\n").slice(-15).join("\n")}`);
    });
  }

  answers(): boolean {
    try {
      execFileSync("docker", ["-H", this.host, "version", "--format", "{{.Server.Version}}"], { stdio: "pipe", timeout: 5000 });
      return true;
    } catch {
      return false;
    }
  }

  pid(): number | null {
    return pidFrom(this.pidFile);
  }

  /**
   * Kills the engine without warning, as a crash would: dockerd and the containerd it
   * manages (a surviving containerd would hold its socket and the restart would hang).
   * The containers' shims live on; the restarted daemon finds and stops them.
   */
  async kill(): Promise<void> {
    const pid = this.pid();
    const containerdPidFile = path.join(this.dir, "exec", "containerd", "containerd.pid");
    const containerd = pidFrom(containerdPidFile);
    if (pid) process.kill(pid, "SIGKILL");
    if (containerd && isAlive(containerd)) process.kill(containerd, "SIGKILL");
    // The killed containerd can linger as a zombie (its parent died with it, and pid 1 in a
    // sandbox may not reap): dockerd would take that pid for a live containerd and wait on it.
    rmSync(containerdPidFile, { force: true });
    await this.waitUntil(() => !this.answers(), 15_000, "the private dockerd did not die");
    rmSync(this.pidFile, { force: true });
  }

  /** Copies an image from the shared engine into this one. */
  loadImage(ref: string): void {
    execFileSync("sh", ["-c", `docker save ${ref} | docker -H ${this.host} load`], { stdio: "pipe" });
  }

  /** Stops the daemon (and the containers it runs), then removes its namespace and files. */
  async destroy(): Promise<void> {
    const pid = this.pid();
    if (pid) {
      try {
        execFileSync("sh", ["-c", `docker -H ${this.host} ps -aq | xargs -r docker -H ${this.host} rm -f`], { stdio: "pipe", timeout: 30_000 });
      } catch {
        // the daemon may already be gone
      }
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // already stopped
      }
      await this.waitUntil(() => !this.answers() && !isAlive(pid), 30_000, "the private dockerd did not stop").catch(() =>
        process.kill(pid, "SIGKILL"),
      );
    }
    // Shims of this daemon's containers (found by their socket under our own folder) and
    // the processes they hold: nothing this test started may outlive it.
    try {
      execFileSync("sh", ["-c", `for p in $(pgrep -f -- "-address ${this.dir}/"); do pkill -KILL -P $p; kill -KILL $p; done`], { stdio: "pipe" });
    } catch {
      // none left
    }
    // Mounts the daemon left (overlay layers, the netns bind) must go before the files.
    try {
      execFileSync("sh", ["-c", `grep -o " ${this.dir}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`], { stdio: "pipe" });
    } catch {
      // nothing mounted
    }
    try {
      execFileSync("ip", ["netns", "del", this.netns], { stdio: "pipe" });
    } catch {
      // already gone
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitUntil(check: () => boolean, timeoutMs: number, message: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (check()) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(message);
  }
}

function pidFrom(file: string): number | null {
  try {
    return Number(readFileSync(file, "utf8").trim()) || null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
