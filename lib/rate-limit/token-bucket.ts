/**
 * A token bucket in this process's memory: `ratePerSecond` tokens flow in, up to `capacity`;
 * a call takes `cost` of them or is refused. For limits that protect this process itself
 * (its CPU), where a database round trip would cost more than it saves.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.tokens = capacity;
    this.last = clock();
  }

  private refill(): void {
    const now = this.clock();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }

  /** Takes `cost` tokens if there are enough; returns 0, or the milliseconds until there will be. */
  take(cost = 1): number {
    this.refill();
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return 0;
    }
    if (cost > this.capacity || this.ratePerSecond <= 0) return Infinity;
    return Math.ceil(((cost - this.tokens) / this.ratePerSecond) * 1000);
  }

  /**
   * Takes `cost` tokens even if there are not enough (the balance may go below zero), for work
   * already done, such as bytes a relay has passed on; returns 0, or the milliseconds until the
   * balance is back to zero, which the caller waits before doing more.
   */
  spend(cost: number): number {
    this.refill();
    this.tokens -= cost;
    if (this.tokens >= 0) return 0;
    return this.ratePerSecond > 0 ? Math.ceil((-this.tokens / this.ratePerSecond) * 1000) : Infinity;
  }
}
