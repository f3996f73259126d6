/**
 * A sleep another caller can end early: a writer loop waits for its next flush or
 * retry here, and whoever hands it work (or stops it) calls wake(). The timer is
 * unref'd, so a waiting loop never keeps the process alive. wake() with nobody
 * asleep does nothing.
 */
export class WakeableSleep {
  private wakeUp: (() => void) | undefined;

  /** Resolves after `ms`, or at once when wake() is called meanwhile (ms <= 0: at once). */
  async sleep(ms: number): Promise<void> {
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
    this.wakeUp = undefined;
  }

  /** Ends the current sleep, if any. */
  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }
}
