import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { db } from "@/lib/db";
import { followWorkloadEvents, type WorkloadEvent } from "@/lib/docker/events";
import { inspectWorkload } from "@/lib/docker/workloads";
import { reconcileAll, type ReconcileReport } from "@/lib/reconciler/reconcile-all";
import { refreshContainer } from "@/lib/reconciler/refresh-container";
import { releaseLease, tryLease } from "@/lib/reconciler/lease";

export interface ReconcilerStatus {
  holder: string;
  leading: boolean;
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

function leaseName(): string {
  return `reconciler:${process.env.DOCKER_HOST || "unix:///var/run/docker.sock"}`;
}

/**
 * Keeps Berth's view true to the engine: a full pass when it starts leading and after
 * every reconnect, then the engine's event stream, one container refresh per event. Only
 * the holder of the database lease for this daemon runs; others stand by.
 */
export class Reconciler {
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private status: ReconcilerStatus = { holder: this.holder, leading: false, connected: false, lastReport: null, lastError: null, eventsHandled: 0 };
  private stopController = new AbortController();
  private leaseTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  // Events are handled one at a time, in order, after the full pass they follow.
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: { staleCreatingMs?: number; initialBackoffMs?: number } = {}) {}

  snapshot(): ReconcilerStatus {
    return { ...this.status };
  }

  /**
   * True while this process leads, follows the event stream and has finished a full pass:
   * the Container rows are then as fresh as the engine's events, so lists can be served
   * from the database instead of asking the engine on every request.
   */
  rowsAreLive(): boolean {
    return this.status.leading && this.status.connected && this.status.lastReport !== null && this.status.lastError === null;
  }

  start(): void {
    const tick = async () => {
      try {
        const leading = await tryLease(leaseName(), this.holder, LEASE_TTL_MS);
        this.status.leading = leading;
        if (leading && !this.running) this.running = this.run().finally(() => (this.running = null));
      } catch (error) {
        this.status.lastError = `lease: ${error instanceof Error ? error.message : String(error)}`;
      }
    };
    void tick();
    this.leaseTimer = setInterval(tick, LEASE_RENEW_MS);
    this.leaseTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.leaseTimer);
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
      try {
        // Subscribe first, then re-read everything: nothing that happens in between is lost,
        // and events queue up behind the full pass.
        // The pass never rejects (its failure is recorded), so nothing waits on it unhandled.
        const pass = reconcileAll({ staleCreatingMs: this.options.staleCreatingMs }).then(
          (report) => {
            this.status.lastReport = report;
            this.status.lastError = null;
            backoff = this.options.initialBackoffMs ?? 500;
          },
          (error: unknown) => this.fail(error),
        );
        this.queue = this.queue.then(() => pass);
        this.status.connected = true;
        const following = followWorkloadEvents((event) => this.enqueue(event), signal).catch((error: unknown) => this.fail(error));
        await pass;
        await following;
        this.status.connected = false;
      } catch (error) {
        this.fail(error);
      }
      if (signal.aborted) break;
      // The stream ended or the engine is down: try again, waiting longer each time.
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
    this.status.connected = false;
  }

  private fail(error: unknown): void {
    this.status.connected = false;
    this.status.lastError = error instanceof Error ? error.message : String(error);
  }

  private enqueue(event: WorkloadEvent, attempt = 0): void {
    if (!event.berthId) return;
    this.queue = this.queue
      .then(async () => {
        const row = await db.container.findUnique({ where: { id: event.berthId }, include: { tenant: true } });
        // Only containers of this Berth's database, and only their own tenant's labels.
        if (!row || row.tenantId !== event.tenantId) return;
        if (row.status === "creating") {
          // The launch has not committed yet (a container can exit before it does): look
          // again shortly, so that exit is not lost until the next full pass.
          if (attempt < CREATING_RETRIES) {
            setTimeout(() => this.enqueue(event, attempt + 1), CREATING_RETRY_MS).unref();
          }
          return;
        }
        const info = event.action === "destroy" || !row.dockerId ? null : await inspectWorkload(row.tenantId, row.dockerId);
        await refreshContainer(row, info);
        this.status.eventsHandled++;
        this.status.lastError = null;
      })
      .catch((error: unknown) => this.fail(error));
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
