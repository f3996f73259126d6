/**
 * A writer's shutdown, shared by Delivery and the ClickHouse logs exporter: its loop
 * gets `timeoutMs` to send what it holds (wake() hurries it past its flush interval),
 * then stop() ends it now (the writer sets its stop flag, aborts the send in flight
 * and wakes the loop), and the loop is awaited — at most `maxWaitAfterStopMs` when set
 * (a send that ignores its abort must not hold the shutdown). What is left unsent is
 * the writer's to account for (count it failed, or leave it in its log).
 */
export interface DrainOptions {
  timeoutMs: number;
  wake(): void;
  stop(): void;
  maxWaitAfterStopMs?: number;
}

/** Resolves once the loop ended (or the wait after stop() ran out); true when it ended within timeoutMs. */
export async function drainThenStop(loop: Promise<void> | undefined, o: DrainOptions): Promise<boolean> {
  let inTime = true;
  if (loop) {
    o.wake();
    inTime = await within(loop, o.timeoutMs);
  }
  o.stop();
  if (loop) {
    if (o.maxWaitAfterStopMs === undefined) await loop;
    else await within(loop, o.maxWaitAfterStopMs);
  }
  return inTime;
}

/** Whether `p` settles within `ms` (the timer is cleared either way). */
async function within(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([p.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
  clearTimeout(timer);
  return ended;
}
