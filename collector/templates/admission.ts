/**
 * Admission budget for new dictionary templates: a token bucket per claimed
 * service plus one over all services. Each new template admitted to the
 * dictionary costs one token of both; tokens refill continuously at the
 * configured per-minute rates up to the bursts.
 *
 * Why a rate and not only the dictionary's size caps: every admitted template is
 * also a row in log_templates (and an entry of ClickHouse's query-time template
 * dictionary), which eviction from memory does not take back. The rate bounds that
 * growth under a flood of distinct templates, whichever streams it arrives on.
 *
 * The per-service buckets live in a bounded map (least recently used forgotten):
 * a forgotten bucket comes back full, so rotating claimed service names gains a
 * client at most one burst per name, which the global bucket bounds.
 */
export const MAX_TRACKED_SERVICES = 65_536;

class TokenBucket {
  private tokens: number;
  private at: number;
  constructor(
    private readonly burst: number,
    private readonly perMs: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.at = nowMs;
  }

  /** Refills for the time passed; true (and one token spent) when a token is there. */
  available(nowMs: number): boolean {
    if (nowMs > this.at) {
      this.tokens = Math.min(this.burst, this.tokens + (nowMs - this.at) * this.perMs);
      this.at = nowMs;
    }
    return this.tokens >= 1;
  }

  spend(): void {
    this.tokens -= 1;
  }
}

export interface AdmissionRates {
  perServicePerMinute: number;
  perServiceBurst: number;
  totalPerMinute: number;
  totalBurst: number;
}

export class AdmissionBudget {
  private readonly services = new Map<string, TokenBucket>();
  private readonly total: TokenBucket;

  constructor(
    private readonly rates: AdmissionRates,
    nowMs = Date.now(),
  ) {
    this.total = new TokenBucket(rates.totalBurst, rates.totalPerMinute / 60_000, nowMs);
  }

  /** Spends one admission of `service`; false (nothing spent) when either bucket is empty. */
  tryAdmit(service: string, nowMs = Date.now()): boolean {
    let bucket = this.services.get(service);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.rates.perServiceBurst, this.rates.perServicePerMinute / 60_000, nowMs);
      if (this.services.size >= MAX_TRACKED_SERVICES) {
        const oldest = this.services.keys().next().value;
        if (oldest !== undefined) this.services.delete(oldest);
      }
    } else {
      this.services.delete(service);
    }
    this.services.set(service, bucket);
    if (!bucket.available(nowMs) || !this.total.available(nowMs)) return false;
    bucket.spend();
    this.total.spend();
    return true;
  }
}
