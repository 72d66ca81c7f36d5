/**
 * Wakes live followers (SSE streams) when a run has new events. Followers
 * also poll, so events written by another replica arrive within a second.
 */
export class RunEventBus {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly listeners = new Set<(runId: string) => void>();

  notify(runId: string): void {
    const waiting = this.waiters.get(runId);
    this.waiters.delete(runId);
    waiting?.forEach(wake => wake());
    this.listeners.forEach(listener => listener(runId));
  }

  /** Calls `listener` for every notified run (e.g. to publish signals). */
  subscribe(listener: (runId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves on the next notification for the run, or after `timeoutMs`. */
  next(runId: string, timeoutMs: number): Promise<void> {
    return new Promise(resolve => {
      const set = this.waiters.get(runId) ?? new Set();
      this.waiters.set(runId, set);
      let timer: NodeJS.Timeout | undefined = undefined;
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        resolve();
      };
      timer = setTimeout(wake, timeoutMs);
      set.add(wake);
    });
  }
}
