import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { followWorkloadEvents, type WorkloadEvent } from "@/lib/docker/events";
import { inspectWorkload } from "@/lib/docker/workloads";
import { reconcileAll, type ReconcileReport } from "@/lib/reconciler/reconcile-all";
import { heldFromRefresh } from "@/lib/reconciler/held-from-refresh";
import { refreshContainer } from "@/lib/reconciler/refresh-container";
import { trackedContainerFor } from "@/lib/reconciler/tracked-container";
import { releaseLease, tryLease } from "@/lib/reconciler/lease";
import { reconcilerLeaseName } from "@/lib/reconciler/lease-name";
import { engineConfig } from "@/lib/docker/engine-config";

export interface ReconcilerStatus {
  holder: string;
  leading: boolean;
  /** Following the engine's event stream (a failed event or pass does not change this). */
  connected: boolean;
  lastReport: ReconcileReport | null;
  lastError: string | null;
  eventsHandled: number;
}

const LEASE_TTL_MS = 30_000;
const LEASE_RENEW_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;
const CREATING_RETRIES = 60;
const CREATING_RETRY_MS = 500;
// A full pass this often while events flow: it corrects anything an event missed and keeps
// the health page's count and orphan report current, not frozen at start-up.
const RESYNC_MS = 5 * 60_000;

function leaseName(): string {
  return reconcilerLeaseName(engineConfig());
}

/**
 * Keeps Berth's view true to the engine: a full pass when it starts leading, after every
 * reconnect and every few minutes, then the engine's event stream, one container refresh
 * per event. Only the holder of the database lease for this daemon runs; others stand by.
 */
export class Reconciler {
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private status: ReconcilerStatus = { holder: this.holder, leading: false, connected: false, lastReport: null, lastError: null, eventsHandled: 0 };
  private stopController = new AbortController();
  private leaseTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  // Events and full passes are handled one at a time, in order.
  private queue: Promise<void> = Promise.resolve();
  // A pass waiting in the queue, shared by whoever asks for one before it starts.
  private passWaiting: Promise<boolean> | null = null;
  // Containers (by Berth's id and the engine's) with a refresh queued that has not begun, and
  // how many times that refresh has already looked at a launch still committing.
  private waiting = new Map<string, { attempt: number }>();
  // A failed event or pass leaves some rows stale until a full pass has succeeded after it.
  private rowsStale = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryBackoff: number;

  constructor(private readonly options: { staleCreatingMs?: number; initialBackoffMs?: number; resyncMs?: number } = {}) {
    this.retryBackoff = options.initialBackoffMs ?? 500;
  }

  snapshot(): ReconcilerStatus {
    return { ...this.status };
  }

  /**
   * True while this process leads, follows the event stream and every row is as fresh as
   * the events: the lists can then be served from the database instead of asking the
   * engine on every request.
   */
  rowsAreLive(): boolean {
    return this.status.leading && this.status.connected && this.status.lastReport !== null && !this.rowsStale;
  }

  start(): void {
    const tick = async () => {
      try {
        const leading = await tryLease(leaseName(), this.holder, LEASE_TTL_MS);
        this.status.leading = leading;
        if (leading && !this.running) this.running = this.run().finally(() => (this.running = null));
      } catch (error) {
        this.status.lastError = `lease: ${error instanceof Error ? error.message : String(error)}`;
        // /health says what this means; the exact words are for the operator, here.
        console.error(`[reconciler] ${this.status.lastError}`);
      }
    };
    void tick();
    this.leaseTimer = setInterval(tick, LEASE_RENEW_MS);
    this.leaseTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.leaseTimer);
    clearTimeout(this.retryTimer);
    this.stopController.abort();
    await this.running;
    await this.queue;
    await releaseLease(leaseName(), this.holder).catch(() => undefined);
    this.status.leading = false;
  }

  /** Resolves once a full pass has completed after `since` (tests and the health page). */
  async waitForPass(since = Date.now(), timeoutMs = 30_000): Promise<ReconcileReport> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const report = this.status.lastReport;
      if (report && Date.parse(report.at) >= since) return report;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the reconciler did not complete a pass in time");
  }

  /** Waits until every event received so far has been handled. */
  async settle(): Promise<void> {
    await this.queue;
  }

  private async run(): Promise<void> {
    const signal = this.stopController.signal;
    let backoff = this.options.initialBackoffMs ?? 500;
    while (!signal.aborted && this.status.leading) {
      let resync: NodeJS.Timeout | undefined;
      try {
        // Subscribe, then re-read everything: events queue up behind the full pass.
        const pass = this.requestPass();
        this.status.connected = true;
        const following = followWorkloadEvents((event) => this.enqueue(event), signal).catch((error: unknown) => this.recordError(error));
        resync = setInterval(() => void this.requestPass(), this.options.resyncMs ?? RESYNC_MS);
        resync.unref();
        if (await pass) backoff = this.options.initialBackoffMs ?? 500;
        await following;
      } catch (error) {
        this.recordError(error);
      } finally {
        clearInterval(resync);
        this.status.connected = false;
      }
      if (signal.aborted) break;
      // The stream ended or the engine is down: try again, waiting longer each time.
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
    this.status.connected = false;
  }

  /**
   * Queues a full pass behind everything received so far; resolves whether it succeeded.
   * A failed pass is tried again after a growing wait; a pass never rejects.
   */
  private requestPass(): Promise<boolean> {
    if (this.passWaiting) return this.passWaiting;
    const pass = this.queue.then(async () => {
      // From here on, whatever fails needs a pass after this one.
      this.passWaiting = null;
      try {
        this.status.lastReport = await reconcileAll({ staleCreatingMs: this.options.staleCreatingMs });
        this.status.lastError = null;
        this.rowsStale = false;
        this.retryBackoff = this.options.initialBackoffMs ?? 500;
        return true;
      } catch (error) {
        this.recordError(error);
        this.retryPassLater();
        return false;
      }
    });
    this.passWaiting = pass;
    this.queue = pass.then(() => undefined);
    return pass;
  }

  /**
   * One event or pass went wrong (a row deleted under it, the database busy): its rows may be
   * stale, so the lists ask the engine again until a later pass succeeds. The event stream
   * itself is still followed; only its end or failure makes the reconciler reconnect.
   */
  private recordError(error: unknown): void {
    this.rowsStale = true;
    this.status.lastError = error instanceof Error ? error.message : String(error);
    console.error(`[reconciler] ${this.status.lastError}`);
  }

  private retryPassLater(): void {
    if (this.retryTimer || this.stopController.signal.aborted) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.status.leading && !this.stopController.signal.aborted) void this.requestPass();
    }, this.retryBackoff);
    this.retryTimer.unref();
    this.retryBackoff = Math.min(this.retryBackoff * 2, MAX_BACKOFF_MS);
  }

  private enqueue(event: WorkloadEvent, attempt = 0): void {
    // Swarm: a node changed, or a node's event stream came back after missing events.
    if (event.action === "resync") {
      void this.requestPass();
      return;
    }
    // A Swarm service event names the service only; its row is found by that id.
    if (!event.berthId && !event.dockerId) return;
    // A refresh reads the engine's state as it is when it runs, not the event's: one queued for
    // the same container and not begun yet covers this event too (a removal's kill, die and
    // stop). The key is both ids: on Swarm a service's own events carry no Berth id (their row is
    // found by the service id, only once the launch has committed it) while its task's container
    // events do, so one must not stand in for the other; on one engine an edit's new container
    // keeps the Berth id under a new engine id. The covering refresh keeps the larger budget of
    // retries of the two while the launch commits.
    const key = `${event.berthId ?? ""}|${event.dockerId}`;
    const queued = this.waiting.get(key);
    if (queued) {
      queued.attempt = Math.min(queued.attempt, attempt);
      return;
    }
    const job = { attempt };
    this.waiting.set(key, job);
    this.queue = this.queue
      .then(async () => {
        // From here on an event needs a refresh of its own: this one may have read the engine already.
        this.waiting.delete(key);
        const row = await trackedContainerFor(event);
        // Only containers of this Berth's database, and only their own tenant's labels.
        if (!row || (event.berthId && row.tenantId !== event.tenantId)) return;
        if (row.status === "creating") {
          // The launch has not committed yet (a container can exit before it does): look
          // again shortly, so that exit is not lost until the next full pass.
          if (job.attempt < CREATING_RETRIES) {
            setTimeout(() => this.enqueue(event, job.attempt + 1), CREATING_RETRY_MS).unref();
          }
          return;
        }
        // An edit replaces the engine container behind a row (lib/services/update-container.ts):
        // events of the one it replaced (its stop and destroy) or of the new one before the
        // edit commits say nothing about the row; the row follows the container it names.
        if (row.dockerId && event.dockerId && event.dockerId !== row.dockerId) return;
        // Nothing the engine says changes a quarantined or missing row: no need to ask it.
        const asked = event.action !== "destroy" && row.dockerId && !heldFromRefresh(row.status);
        const info = asked ? await inspectWorkload(row.tenantId, row.dockerId ?? "") : null;
        await refreshContainer(row, info);
        this.status.eventsHandled++;
      })
      .catch((error: unknown) => {
        this.recordError(error);
        this.retryPassLater();
      });
  }
}

const globalForReconciler = globalThis as unknown as { berthReconciler?: Reconciler };

/** The process's reconciler (started from instrumentation.ts), if any. */
export function currentReconciler(): Reconciler | undefined {
  return globalForReconciler.berthReconciler;
}

export function startReconciler(): Reconciler {
  globalForReconciler.berthReconciler ??= new Reconciler();
  globalForReconciler.berthReconciler.start();
  return globalForReconciler.berthReconciler;
}
