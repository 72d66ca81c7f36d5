import { AnalyticsStore, RunFact } from './AnalyticsStore';

/** A finished run as the runs domain reports it (RunStore.finishedSince). */
export interface FinishedRunLike {
  id: string;
  tenant: string;
  workflowName: string;
  workflowRef?: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  error?: string;
  startedAt?: string;
  finishedAt: string;
}

/** What the catch-up reads of the runs domain (its store interface). */
export interface FinishedRunSource {
  finishedSince(
    after: { finishedAt: string; id: string } | undefined,
    limit: number,
    before?: string,
  ): Promise<FinishedRunLike[]>;
}

export const CATCH_UP_CURSOR = 'catch-up.cursor';

/** The fact of a finished run; a run that never started lasted 0 ms. */
export function factOfRun(run: FinishedRunLike): RunFact {
  const finishedAt = Date.parse(run.finishedAt);
  const startedAt = run.startedAt ? Date.parse(run.startedAt) : undefined;
  return {
    tenant: run.tenant,
    runId: run.id,
    workflow: run.workflowName,
    provider: run.workflowRef?.split('/')[0],
    status: run.status,
    durationMs:
      startedAt === undefined ? 0 : Math.max(0, finishedAt - startedAt),
    error: run.status === 'failed' ? run.error : undefined,
    finishedAt,
  };
}

/**
 * Records the finished runs analytics has not counted (their event was
 * lost, or they finished before analytics existed), paging through the runs
 * domain in finish order from a cursor kept in `analytics_state`. Runs that
 * finished within `graceMs` are left for their event, which knows more
 * (the environment). Idempotent by run id: a run recorded already, by its
 * event or an earlier pass, is skipped.
 */
export async function catchUp(options: {
  store: AnalyticsStore;
  runs: FinishedRunSource;
  now?: number;
  graceMs?: number;
  batchSize?: number;
  /** Most batches per pass; the next pass goes on from the cursor. */
  maxBatches?: number;
}): Promise<{ seen: number; recorded: number }> {
  const {
    store,
    runs,
    graceMs = 2 * 60_000,
    batchSize = 500,
    maxBatches = 20,
  } = options;
  const before = new Date((options.now ?? Date.now()) - graceMs).toISOString();
  const saved = await store.getState(CATCH_UP_CURSOR);
  let cursor: { finishedAt: string; id: string } | undefined = saved
    ? JSON.parse(saved)
    : undefined;
  let seen = 0;
  let recorded = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const finished = await runs.finishedSince(cursor, batchSize, before);
    if (finished.length === 0) break;
    seen += finished.length;
    const byTenant = new Map<string, FinishedRunLike[]>();
    for (const run of finished) {
      byTenant.set(run.tenant, [...(byTenant.get(run.tenant) ?? []), run]);
    }
    for (const [tenant, list] of byTenant) {
      const known = await store.recordedOf(
        tenant,
        list.map(r => r.id),
      );
      for (const run of list) {
        if (known.has(run.id)) continue;
        if (await store.record(factOfRun(run))) recorded++;
      }
    }
    const last = finished[finished.length - 1];
    cursor = { finishedAt: last.finishedAt, id: last.id };
    await store.setState(CATCH_UP_CURSOR, JSON.stringify(cursor));
    if (finished.length < batchSize) break;
  }
  return { seen, recorded };
}
