/**
 * Warnings at most once per interval and kind, for a writer whose failures repeat
 * (a store that is down fails every attempt). A warning held back is counted and
 * reported with the next one of its kind (field `suppressed`), so the log still
 * says how often it happened.
 */
import type { DiagLogger } from '../pipeline/component';

export class RateLimitedWarnings {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  /** `fields` (the writer's labels) go into every warning. */
  constructor(
    private readonly logger: DiagLogger,
    private readonly fields: Record<string, unknown>,
    private readonly intervalMs = 30_000,
  ) {}

  warn(kind: string, msg: string, fields: Record<string, unknown> = {}): void {
    const now = Date.now();
    const last = this.last.get(kind);
    if (last && now - last.at < this.intervalMs) {
      last.suppressed++;
      return;
    }
    this.last.set(kind, { at: now, suppressed: 0 });
    this.logger.warn(msg, { ...this.fields, ...fields, ...(last?.suppressed ? { suppressed: last.suppressed } : {}) });
  }
}
