import { readFileSync } from "node:fs";
import os from "node:os";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import WebSocket from "ws";
import { db } from "@/lib/db";
import { docker } from "@/lib/docker/client";
import { coresBetween, cpuSnapshot, type CoresByGroup } from "./cpu-by-process";
import { baseUrl } from "./http";
import type { BenchTenant } from "./fixtures";
import { mapLimit, round, summarize, timed, type Summary } from "./stats";

/**
 * Item 6: the console under load (issue 14). N consoles (20) at once, each in a container of
 * its own, through the real path: POST …/console for a ticket, the WebSocket on the portal's
 * direct listener, busybox `sh` as the tenant's user on a TTY.
 *
 * "Echoing 1 MiB" here means: 1 MiB typed into the console (1 024 lines of 1 023 `x` and a
 * newline, in 16 KiB binary frames, as a large paste) is read by `cat` and comes back. The TTY's
 * own echo is switched off (`stty -echo`) for it, so every byte crosses the relay once each way
 * (in: client → portal → engine → pty; out: pty → engine → portal → client; the pty adds a `\r`
 * per line). A command that only prints 1 MiB would load the output path alone, and the input
 * path (the portal writing to the engine's hijacked stream) is half of what a console relays.
 * The round ends when every `x` is back, and the received count is checked: a lost or doubled
 * byte fails the bench.
 *
 * Keystrokes: one byte sent to a shell sitting at its prompt, timed until busybox's line
 * editor echoes it back; measured in one console at a time while the others echo (see
 * consoleLoad), and once with every console idle for comparison. The portal's /api/v1/health
 * is sampled throughout the load, and before any console is open as the baseline.
 */

const LINE = 1024; // bytes per line, the newline included (a TTY's canonical line holds at most 4 095)
const LINES = 1024; // 1 MiB in
const FRAME = 16 * 1024; // bytes per WebSocket frame of input
const X = 0x78; // "x"
const PAYLOAD = Buffer.from(Array.from({ length: LINES }, () => "x".repeat(LINE - 1) + "\n").join(""), "latin1");
const XS_PER_ROUND = LINES * (LINE - 1);
// Busybox ash's default prompt (PS1 "\w \$ ") for a user that is not root ends with "$ ". Its line
// editor may follow it with escape sequences: a cursor-position query (ESC[6n; this client is
// not a terminal emulator and does not answer it, busybox does not wait for the answer) and,
// after the portal's first resize (SIGWINCH), a redraw of the prompt ending in ESC[J.
const PROMPT = /\$ (?:\x1b\[[0-9;]*[A-Za-z])*$/;
// The markers are typed with an empty quote inside, so the shell's echo of the command line never matches them.
const ECHO_COMMAND = `stty -echo; echo RE""ADY; cat; stty echo; echo DO""NE\r`;
const KEY = "k";

export interface ConsoleSizes {
  consoles: number;
  /** Consoles per tenant: the portal's per-tenant cap (BERTH_CONSOLES_PER_TENANT, default 5). */
  perTenant: number;
  /** Typing turns per console during the load, `keys` keystrokes each. */
  turns: number;
  keys: number;
  /** The load ends early (noted in the result) after this long, whatever turns are left. */
  maxSeconds: number;
  /** Keystrokes in one console while all consoles are idle. */
  idleKeys: number;
  healthSamples: number;
}

/** Consoles per tenant the portal allows; scripts/bench.sh gives the portal and this process the same environment. */
export const consoleCap = () => Number(process.env.BERTH_CONSOLES_PER_TENANT) || 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One console as a client sees it: raw terminal bytes on a WebSocket. */
class Term {
  framesIn = 0;
  bytesIn = 0;
  bytesOut = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  private text = "";
  private check: (() => void) | null = null;
  private bulk: { want: number; got: number; done: (at: number) => void } | null = null;
  private closeInfo: { code: number; reason: string } | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly label: string,
  ) {
    this.closed = new Promise((resolve) =>
      ws.on("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        this.check?.();
      }),
    );
    ws.on("message", (data: Buffer) => this.receive(data));
  }

  private receive(chunk: Buffer) {
    const at = performance.now();
    this.framesIn++;
    this.bytesIn += chunk.length;
    let rest = chunk;
    if (this.bulk) {
      // During an echo only the x's are counted: 1 MiB of text is not kept.
      const b = this.bulk;
      let last = -1;
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] === X) {
          b.got++;
          last = i;
        }
      }
      if (b.got < b.want) return;
      this.bulk = null;
      b.done(at);
      rest = chunk.subarray(last + 1);
    }
    this.text += rest.toString("latin1");
    this.check?.();
  }

  send(bytes: string | Buffer) {
    const buf = typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes;
    this.bytesOut += buf.length;
    this.ws.send(buf, { binary: true });
  }

  /** Resolves with the time the output since the last `clear()` first satisfied `test`. */
  until(test: (text: string) => boolean, what: string, timeoutMs = 60_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      const fail = (why: string) => {
        this.check = null;
        clearTimeout(timer);
        reject(new Error(`console ${this.label}: waiting for ${what}: ${why}; last output ${JSON.stringify(this.text.slice(-200))}`));
      };
      this.check = () => {
        if (test(this.text)) {
          this.check = null;
          clearTimeout(timer);
          resolve(performance.now());
        } else if (this.closeInfo) fail(`closed with ${this.closeInfo.code} ${this.closeInfo.reason}`);
      };
      this.check();
    });
  }

  clear() {
    this.text = "";
  }

  /** One keystroke at the idle prompt: milliseconds until the line editor's echo of it arrives. */
  async keystroke(): Promise<number> {
    this.clear();
    const sent = performance.now();
    this.send(KEY);
    return (await this.until((t) => t.includes(KEY), "a keystroke's echo", 30_000)) - sent;
  }

  /**
   * `keys` keystrokes on a comment line (`#kkk…`, so Enter runs nothing), then Enter and the
   * next prompt. `onSend` is told before each timed keystroke (for the load it saw).
   */
  async keystrokes(keys: number, onSend: () => void = () => undefined): Promise<number[]> {
    this.clear();
    this.send("#");
    await this.until((t) => t.includes("#"), "the comment sign's echo");
    const samples: number[] = [];
    for (let i = 0; i < keys; i++) {
      onSend();
      samples.push(await this.keystroke());
      // A person types at most every ~50 ms; a short pause keeps this from being a tight loop.
      await sleep(10);
    }
    this.clear();
    this.send("\r");
    await this.until((t) => PROMPT.test(t), "the prompt after Enter");
    return samples;
  }

  /** Starts `cat` with the TTY's echo off; it reads until `stopCat`. */
  async startCat(): Promise<void> {
    this.clear();
    this.send(ECHO_COMMAND);
    await this.until((t) => /READY\r?\n/.test(t), "cat to start");
    this.clear();
  }

  /**
   * 1 MiB in through the running `cat` and back: the milliseconds from the first byte sent
   * until the last `x` is back. One MiB at a time is in flight, so the count is exact: with
   * the TTY's echo off, more x's than sent (or fewer, by the timeout) is a fault.
   */
  async echoOne(): Promise<{ ms: number; framesBack: number; bytesBack: number }> {
    const framesBefore = this.framesIn;
    const bytesBefore = this.bytesIn;
    const start = performance.now();
    const back = new Promise<{ at: number; got: number }>((resolve, reject) => {
      const bulk = {
        want: XS_PER_ROUND,
        got: 0,
        done: (at: number) => {
          clearTimeout(timer);
          resolve({ at, got: bulk.got });
        },
      };
      const timer = setTimeout(() => reject(new Error(`console ${this.label}: 1 MiB not echoed within 5 minutes (${bulk.got} x back)`)), 300_000);
      this.bulk = bulk;
      void this.closed.then((c) => {
        clearTimeout(timer);
        reject(new Error(`console ${this.label}: closed with ${c.code} ${c.reason} during the echo (${bulk.got} x back)`));
      });
    });
    for (let offset = 0; offset < PAYLOAD.length; offset += FRAME) this.send(PAYLOAD.subarray(offset, offset + FRAME));
    const { at, got } = await back;
    if (got !== XS_PER_ROUND) throw new Error(`console ${this.label}: ${got} x back for ${XS_PER_ROUND} sent`);
    return { ms: at - start, framesBack: this.framesIn - framesBefore, bytesBack: this.bytesIn - bytesBefore };
  }

  /** Ends `cat` (end of input at the start of a line) and waits for the prompt; no stray x may follow the last MiB. */
  async stopCat(): Promise<void> {
    this.send("\x04");
    await this.until((t) => /DONE\r?\n/.test(t) && PROMPT.test(t), "the prompt after cat");
    if (this.text.includes("x")) throw new Error(`console ${this.label}: output after the last MiB: ${JSON.stringify(this.text.slice(0, 200))}`);
  }
}

function connect(url: string, label: string): Promise<Term> {
  return new Promise((resolve, reject) => {
    // The Origin a browser on the portal's direct listener would send (the server checks it).
    const ws = new WebSocket(url, { headers: { Origin: baseUrl }, perMessageDeflate: false });
    ws.on("unexpected-response", (_req, res) =>
      reject(Object.assign(new Error(`console ${label}: upgrade refused ${res.statusCode}`), { status: res.statusCode })),
    );
    ws.on("error", reject);
    ws.on("open", () => resolve(new Term(ws, label)));
  });
}

interface Opened {
  term: Term;
  ms: number;
}

async function openConsole(t: BenchTenant, containerId: string, label: string): Promise<Opened> {
  const { ms, value } = await timed(async () => {
    const session = await t.member.send<{ url: string }>("POST", `/api/v1/containers/${containerId}/console`, { cols: 120, rows: 40 });
    const term = await connect(session.url, label);
    await term.until((text) => PROMPT.test(text), "the first prompt");
    return term;
  });
  return { term: value, ms };
}

/**
 * GET /api/v1/health one at a time with a short pause, until `stop()` says so; after each,
 * the engine call health makes (`version`) straight from here, the raw-daemon side: it tells
 * the engine's share of a slow health answer from the portal's. Health answers "degraded"
 * when the engine takes over 2 s (lib/docker/engine.ts): counted as a failure.
 */
function healthSampler() {
  const samples: number[] = [];
  const engine: number[] = [];
  let failures = 0;
  let stopping = false;
  const done = (async () => {
    while (!stopping) {
      const { ms, value } = await timed(async () => {
        const res = await fetch(`${baseUrl}/api/v1/health`);
        const body = (await res.json()) as { status?: string };
        return res.ok && body.status === "ok";
      });
      samples.push(ms);
      if (!value) failures++;
      engine.push((await timed(() => docker().version())).ms);
      await sleep(20);
    }
  })();
  return {
    samples,
    stop: async () => {
      stopping = true;
      await done;
      return { summary: summarize(samples), engine: summarize(engine), failures };
    },
  };
}

function rssMb(pid: number): number | null {
  try {
    const kb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return Number.isFinite(kb) ? round(kb / 1024) : null;
  } catch {
    return null;
  }
}

export interface ConsoleLoad {
  consoles: number;
  tenants: number;
  perTenant: number;
  turns: number;
  keysPerTurn: number;
  /** Time to a usable console: POST …/console, the upgrade, the first prompt (one at a time, nothing else running). */
  openMs: Summary;
  /** The HTTP status of one console more in a tenant that has its cap open (429 expected). */
  overCapStatus: number | null;
  idleKeystrokeMs: Summary;
  loadedKeystrokeMs: Summary;
  keystrokeRatio: { median: number; p95: number };
  /** How many other consoles were mid-echo when each keystroke was sent. */
  busyAtKeystroke: { mean: number; min: number; max: number };
  /** All consoles echoing their first MiB at once (nobody types yet): wall clock until the last is back. */
  firstRound: { mib: number; seconds: number; mibPerSecond: number };
  /** The whole loaded phase: MiB echoed (each counted once, though it crossed the relay both ways) over its wall clock. */
  sustained: { mib: number; seconds: number; mibPerSecond: number };
  perMiBMs: Summary;
  /** Output bytes per WebSocket frame the client received during echoes. */
  bytesPerFrameBack: number;
  healthIdleMs: Summary;
  healthLoadedMs: Summary;
  healthFailures: { idle: number; loaded: number };
  /** The engine's `version` call timed from the bench between health samples (what health waits for). */
  engineIdleMs: Summary;
  engineLoadedMs: Summary;
  healthRatio: { median: number; p95: number };
  server: { rssBeforeMb: number | null; rssPeakMb: number | null };
  /** Cores used during the load, by whom (the machine has os.cpus().length). */
  cores: CoresByGroup;
  /** The measuring client's event-loop delay during the load (a share of every latency above could be its own). */
  benchClientLoopDelayMs: { p50: number; p99: number; max: number };
  /** Set when the load hit maxSeconds before every console had its turns. */
  cutShort: boolean;
  loadAverage: { before: number; after: number };
  closes: { codes: Record<string, number>; recorded: number; bytesMatch: number };
}

/**
 * Launches one container per console (`perTenant` in each tenant), takes the health baseline
 * with no console open, opens every console, times keystrokes with all of them idle, then runs
 * the load:
 *
 * - every console runs one `cat` and echoes 1 MiB after 1 MiB through it until the end (one MiB
 *   in flight, so no handshake between rounds lets the load sag); the first round (all at once,
 *   before anyone types) gives the figure the issue names, all of it the sustained throughput;
 * - one console at a time leaves its echo between two MiBs (ends its `cat`), types `keys`
 *   keystrokes at its idle prompt and starts `cat` again, so each keystroke meets the other consoles mid-echo. Whichever console
 *   finishes a round first while nobody types takes the turn (waiting for a particular one
 *   would leave gaps with nobody typing); the load ends when every console has had `turns`.
 *   When all consoles simply alternated echo and typing, their phases fell into step (the
 *   relay shares its bandwidth fairly, so all echoes end together) and most keystrokes met no
 *   load at all.
 *
 * /api/v1/health is sampled throughout. Every container it launched is removed through the
 * API at the end, whatever happened.
 */
export async function consoleLoad(tenants: BenchTenant[], sizes: ConsoleSizes, serverPid: number, log: (s: string) => void): Promise<ConsoleLoad> {
  const slots = Array.from({ length: sizes.consoles }, (_, i) => ({ t: tenants[Math.floor(i / sizes.perTenant)], i }));
  if (slots.some((s) => !s.t)) throw new Error(`${sizes.consoles} consoles need ${Math.ceil(sizes.consoles / sizes.perTenant)} tenants`);
  const launched: { t: BenchTenant; id: string; i: number }[] = [];
  const terms: Term[] = [];
  try {
    log(`   launching ${slots.length} containers`);
    await mapLimit(slots, 4, async ({ t, i }) => {
      // A whole core each: the container's CPU limit must not be what throttles `cat`.
      const c = await t.member.send<{ id: string }>("POST", `/api/v1/tenants/${t.id}/containers`, {
        name: `console-${i}`,
        image: "berth/shell:1",
        command: ["sleep", "86400"],
        memoryMb: 64,
        cpuMillis: 1000,
      });
      launched.push({ t, id: c.id, i });
    });
    launched.sort((a, b) => a.i - b.i);
    await sleep(2000); // the launches' own work (reconciler, activity) settles before the baseline

    log(`   health baseline, no console open (${sizes.healthSamples} samples)`);
    const idleHealth = healthSampler();
    while (idleHealth.samples.length < sizes.healthSamples) await sleep(50);
    const healthIdle = await idleHealth.stop();

    log(`   opening ${launched.length} consoles`);
    const openMs: number[] = [];
    const containerOf = new Map<Term, string>();
    for (const l of launched) {
      const o = await openConsole(l.t, l.id, String(l.i));
      terms.push(o.term);
      containerOf.set(o.term, l.id);
      openMs.push(o.ms);
    }
    // The cap holds: one console more in a tenant that has its cap open is refused before the upgrade.
    let overCapStatus: number | null = null;
    const first = launched[0];
    if (launched.filter((l) => l.t === first.t).length >= sizes.perTenant) {
      overCapStatus = await openConsole(first.t, first.id, "over-cap").then(
        (o) => {
          terms.push(o.term);
          return 101;
        },
        (e: { status?: number }) => e.status ?? 0,
      );
    }

    log(`   ${sizes.idleKeys} keystrokes in one console, every console idle`);
    const idleKeys = await terms[0].keystrokes(sizes.idleKeys);

    const loadTerms = terms.slice(0, launched.length);
    log(
      `   load: ${loadTerms.length} consoles echoing 1 MiB after 1 MiB; each types ${sizes.turns} × ${sizes.keys} keystrokes, one console at a time`,
    );

    let busy = 0;
    let typing = false;
    let turnsLeft = loadTerms.length * sizes.turns;
    let cutShort = false;
    const busySeen: number[] = [];
    const perMiB: number[] = [];
    const loadedKeys: number[] = [];
    const firstRoundEnd: number[] = [];
    let framesBack = 0;
    let bytesBack = 0;
    const echo = async (term: Term) => {
      busy++;
      try {
        const e = await term.echoOne();
        perMiB.push(e.ms);
        framesBack += e.framesBack;
        bytesBack += e.bytesBack;
      } finally {
        busy--;
      }
    };
    await Promise.all(loadTerms.map((term) => term.startCat()));
    const loadAvgBefore = os.loadavg()[0];
    const cpuBefore = cpuSnapshot(serverPid);
    const rssBefore = rssMb(serverPid);
    let rssPeak = rssBefore;
    const rssTimer = setInterval(() => {
      const now = rssMb(serverPid);
      if (now !== null && (rssPeak === null || now > rssPeak)) rssPeak = now;
    }, 100);
    // The measuring client's own delays are part of every latency it reports: recorded beside them.
    const clientLoop = monitorEventLoopDelay({ resolution: 5 });
    clientLoop.enable();
    const loadedHealth = healthSampler();
    const start = performance.now();
    const deadline = start + sizes.maxSeconds * 1000;
    await Promise.all(
      loadTerms.map(async (term) => {
        await echo(term);
        firstRoundEnd.push(performance.now());
        let turns = 0;
        while (turnsLeft > 0) {
          // Past the deadline no turn starts, and the echoes go on while a turn still runs.
          const late = performance.now() > deadline;
          if (late && !typing) {
            cutShort = true;
            break;
          }
          // Turns begin once every console's first MiB is back (that round is the all-at-once figure).
          if (!late && !typing && turns < sizes.turns && firstRoundEnd.length === loadTerms.length) {
            // This console leaves its echo for a turn at the prompt; the others keep echoing.
            typing = true;
            turns++;
            try {
              await term.stopCat();
              loadedKeys.push(...(await term.keystrokes(sizes.keys, () => busySeen.push(busy))));
              await term.startCat();
            } finally {
              typing = false;
              turnsLeft--;
            }
          }
          await echo(term);
        }
      }),
    );
    const end = performance.now();
    // Before the cats exit: the CPU breakdown counts processes alive at both ends.
    const cpuAfter = cpuSnapshot(serverPid);
    const healthLoaded = await loadedHealth.stop();
    clientLoop.disable();
    clearInterval(rssTimer);
    const loadAvgAfter = os.loadavg()[0];
    await Promise.all(loadTerms.map((term) => term.stopCat()));

    // Each shell exits by itself: the portal closes with 1000 and records console.close with its byte counts.
    const closeCodes: Record<string, number> = {};
    await Promise.all(
      terms.map(async (term) => {
        term.send("exit\r");
        const c = await Promise.race([term.closed, sleep(10_000).then(() => ({ code: -1, reason: "no close within 10 s" }))]);
        closeCodes[c.code] = (closeCodes[c.code] ?? 0) + 1;
      }),
    );
    await sleep(1000); // console.close is recorded just after the socket closes
    const closes = (
      await db.activityEvent.findMany({ where: { action: "console.close", tenantId: { in: tenants.map((t) => t.id) } }, select: { details: true } })
    ).map((c) => JSON.parse(c.details ?? "{}") as { containerId?: string; bytesIn?: number; bytesOut?: number });
    // The portal's counts against the client's: input is what the client sent, output what it received.
    const bytesMatch = loadTerms.filter((term) =>
      closes.some((c) => c.containerId === containerOf.get(term) && c.bytesIn === term.bytesOut && c.bytesOut === term.bytesIn),
    ).length;

    const idle = summarize(idleKeys);
    const loaded = summarize(loadedKeys);
    const firstSeconds = (Math.max(...firstRoundEnd) - start) / 1000;
    const seconds = (end - start) / 1000;
    return {
      consoles: loadTerms.length,
      tenants: new Set(launched.map((l) => l.t.id)).size,
      perTenant: sizes.perTenant,
      turns: sizes.turns,
      keysPerTurn: sizes.keys,
      openMs: summarize(openMs),
      overCapStatus,
      idleKeystrokeMs: idle,
      loadedKeystrokeMs: loaded,
      keystrokeRatio: { median: round(loaded.median / idle.median, 2), p95: round(loaded.p95 / idle.p95, 2) },
      busyAtKeystroke: {
        mean: round(busySeen.reduce((a, b) => a + b, 0) / Math.max(1, busySeen.length)),
        min: Math.min(...busySeen),
        max: Math.max(...busySeen),
      },
      firstRound: { mib: loadTerms.length, seconds: round(firstSeconds, 2), mibPerSecond: round(loadTerms.length / firstSeconds) },
      sustained: { mib: perMiB.length, seconds: round(seconds, 2), mibPerSecond: round(perMiB.length / seconds) },
      perMiBMs: summarize(perMiB),
      bytesPerFrameBack: Math.round(bytesBack / Math.max(1, framesBack)),
      healthIdleMs: healthIdle.summary,
      healthLoadedMs: healthLoaded.summary,
      healthFailures: { idle: healthIdle.failures, loaded: healthLoaded.failures },
      engineIdleMs: healthIdle.engine,
      engineLoadedMs: healthLoaded.engine,
      healthRatio: {
        median: round(healthLoaded.summary.median / healthIdle.summary.median, 2),
        p95: round(healthLoaded.summary.p95 / healthIdle.summary.p95, 2),
      },
      server: {
        rssBeforeMb: rssBefore,
        rssPeakMb: rssPeak,
      },
      cores: coresBetween(cpuBefore, cpuAfter),
      benchClientLoopDelayMs: {
        p50: round(clientLoop.percentile(50) / 1e6),
        p99: round(clientLoop.percentile(99) / 1e6),
        max: round(clientLoop.max / 1e6),
      },
      cutShort,
      loadAverage: { before: round(loadAvgBefore, 2), after: round(loadAvgAfter, 2) },
      closes: { codes: closeCodes, recorded: closes.length, bytesMatch },
    };
  } finally {
    for (const term of terms) if (term.ws.readyState !== WebSocket.CLOSED) term.ws.terminate();
    // Through the API as a user would; anything left is removed by run.ts's clean-up by label.
    await mapLimit(launched, 5, ({ t, id }) => t.member.send("DELETE", `/api/v1/containers/${id}`).catch(() => undefined));
  }
}
