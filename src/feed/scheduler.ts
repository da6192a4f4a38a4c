// The injectable scheduler: the dispatcher waits (idle polls, request timeouts) only through it, so tests
// fire waits by hand instead of sleeping.
export interface Scheduler {
  /** Resolves after `ms`, or as soon as `signal` aborts; never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemScheduler: Scheduler = {
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/** A scheduler whose waits end only when a test fires them (or their signal aborts). */
export class ManualScheduler implements Scheduler {
  readonly #waiting = new Set<{ readonly ms: number; readonly resolve: () => void }>();
  #watchers: (() => void)[] = [];

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const entry = {
        ms,
        resolve: () => {
          this.#waiting.delete(entry);
          signal?.removeEventListener("abort", entry.resolve);
          resolve();
        },
      };
      this.#waiting.add(entry);
      signal?.addEventListener("abort", entry.resolve, { once: true });
      const watchers = this.#watchers;
      this.#watchers = [];
      for (const watcher of watchers) watcher();
    });
  }

  /** How many waits are pending. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Resolves once at least one wait is pending. */
  async sleeping(): Promise<void> {
    while (this.#waiting.size === 0) await new Promise<void>((resolve) => this.#watchers.push(resolve));
  }

  /** Ends every pending wait as if its time had come; returns how many. */
  fireAll(): number {
    const entries = [...this.#waiting];
    for (const entry of entries) entry.resolve();
    return entries.length;
  }
}
