import { useEffect, useRef, useState } from 'react';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import { Box, LinearProgress, Typography } from '@material-ui/core';
import { gantryDriftApiRef, SyncJob, SyncLogLine } from '../../api/DriftApi';
import { StatusChip } from '../common/StatusChip';

const FINISHED: SyncJob['status'][] = ['succeeded', 'failed'];

/**
 * A sync job, live: a progress bar (done of total) and its log as it is
 * written, read with a cursor; a `gantry:sync` signal for the job refreshes
 * at once instead of at the next poll.
 */
export function SyncProgress(props: {
  jobId: string;
  tenant?: string;
  onFinished?: (job: SyncJob) => void;
}) {
  const { jobId, tenant } = props;
  const api = useApi(gantryDriftApiRef);
  const [job, setJob] = useState<SyncJob | undefined>();
  const [logs, setLogs] = useState<SyncLogLine[]>([]);
  const [error, setError] = useState<Error | undefined>();
  const onFinished = useRef(props.onFinished);
  onFinished.current = props.onFinished;
  const wake = useRef<() => void>(() => {});
  const { lastSignal } = useSignal<{ jobId: string }>('gantry:sync');
  useEffect(() => {
    if (lastSignal?.jobId === jobId) wake.current();
  }, [lastSignal, jobId]);

  useEffect(() => {
    let stopped = false;
    let cursor = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setLogs([]);
    setJob(undefined);
    const tick = async () => {
      wake.current = () => {};
      try {
        const page = await api.getSyncJob(jobId, cursor, { tenant });
        if (stopped) return;
        if (page.logs.length) {
          cursor = page.logs[page.logs.length - 1].seq;
          setLogs(previous => [...previous, ...page.logs]);
        }
        setJob(page.job);
        if (!FINISHED.includes(page.job.status) || page.logs.length > 0) {
          timer = setTimeout(tick, page.logs.length > 0 ? 200 : 1000);
          wake.current = () => {
            clearTimeout(timer);
            tick();
          };
        } else {
          onFinished.current?.(page.job);
        }
      } catch (e) {
        if (!stopped) setError(e as Error);
      }
    };
    tick();
    return () => {
      stopped = true;
      wake.current = () => {};
      if (timer) clearTimeout(timer);
    };
  }, [api, jobId, tenant]);

  if (error) return <ResponseErrorPanel error={error} />;
  const { done, total } = job?.progress ?? { done: 0 };
  return (
    <Box data-testid="sync-progress">
      <Box display="flex" alignItems="center" style={{ gap: 12 }}>
        <Typography variant="subtitle1">Sync {jobId}</Typography>
        {job && <StatusChip status={job.status} />}
        <Typography variant="body2" data-testid="sync-count">
          {total ? `${done} of ${total}` : `${done} done`}
        </Typography>
      </Box>
      <LinearProgress
        variant={
          total || (job && FINISHED.includes(job.status))
            ? 'determinate'
            : 'indeterminate'
        }
        value={total ? (100 * done) / total : 100}
        aria-label="Sync progress"
        style={{ margin: '8px 0' }}
      />
      {job?.error && (
        <Typography color="error" role="alert">
          {job.error}
        </Typography>
      )}
      <Box
        component="pre"
        data-testid="sync-log"
        style={{
          maxHeight: 240,
          overflow: 'auto',
          margin: 0,
          fontSize: 12,
          background: '#111',
          color: '#eee',
          padding: 8,
        }}
      >
        {logs.length === 0
          ? 'Waiting for output…'
          : logs.map(l => l.message).join('\n')}
      </Box>
    </Box>
  );
}
