import { useEffect, useRef, useState } from 'react';
import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Grid,
  LinearProgress,
  Typography,
} from '@material-ui/core';
import { useParams } from 'react-router-dom';
import { useSignal } from '@backstage/plugin-signals-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  gantryRunCancelPermission,
  gantryRunRetryPermission,
} from '@internal/plugin-gantry-common';
import { gantryApiRef, Run, RunEvent, RunStep } from '../../api';
import { duration, StatusChip } from '../common/StatusChip';
import { StepGraph } from '../common/StepGraph';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];
const DONE_STEPS = ['succeeded', 'failed', 'skipped', 'cancelled'];

/** One run, live: step states on the DAG, a progress bar and the log as it is written. */
export function RunPage() {
  const { runId = '' } = useParams();
  const api = useApi(gantryApiRef);
  const alertApi = useApi(alertApiRef);
  const [run, setRun] = useState<(Run & { steps: RunStep[] }) | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [logs, setLogs] = useState<RunEvent[]>([]);
  const cursor = useRef(0);
  const { allowed: mayCancel } = usePermission({
    permission: gantryRunCancelPermission,
    resourceRef: runId,
  });
  const { allowed: mayRetry } = usePermission({
    permission: gantryRunRetryPermission,
    resourceRef: runId,
  });
  const wake = useRef<() => void>(() => {});
  // the backend signals gantry:runs when a run has news: refresh at once
  const { lastSignal } = useSignal<{ runId: string }>('gantry:runs');
  useEffect(() => {
    if (lastSignal?.runId === runId) wake.current();
  }, [lastSignal, runId]);

  useEffect(() => {
    let stopped = false;
    cursor.current = 0;
    setLogs([]);
    // events are read with a cursor, so nothing is shown twice or missed
    const tick = async () => {
      try {
        const latest = await api.getRun(runId);
        const page = await api.listEvents(runId, cursor.current);
        cursor.current = page.cursor;
        if (stopped) return;
        setRun(latest);
        const lines = page.items.filter(e => e.type === 'log');
        if (lines.length) setLogs(previous => [...previous, ...lines]);
        if (!TERMINAL.includes(latest.status) || page.items.length > 0) {
          const timer = setTimeout(tick, page.items.length > 0 ? 200 : 1000);
          wake.current = () => {
            clearTimeout(timer);
            wake.current = () => {};
            tick();
          };
        }
      } catch (e) {
        if (!stopped) setError(e as Error);
      }
    };
    tick();
    return () => {
      stopped = true;
    };
  }, [api, runId]);

  if (error) return <ResponseErrorPanel error={error} />;
  if (!run) return <Progress />;
  const done = run.steps.filter(s => DONE_STEPS.includes(s.status)).length;
  const act = async (action: 'cancel' | 'retry') => {
    try {
      const updated =
        action === 'cancel'
          ? await api.cancelRun(run.id)
          : await api.retryRun(run.id);
      setRun({ ...run, ...updated });
      alertApi.post({
        message: `Run ${
          action === 'cancel' ? 'cancellation requested' : 'retried'
        }`,
        severity: 'info',
        display: 'transient',
      });
    } catch (e) {
      alertApi.post({ message: (e as Error).message, severity: 'error' });
    }
  };

  return (
    <Page themeId="tool">
      <Header
        title={run.workflowRef ?? run.workflowName}
        subtitle={`Run ${run.id} · profile ${run.profile} · started by ${run.createdBy}`}
      />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <InfoCard>
              <Box display="flex" alignItems="center" style={{ gap: 16 }}>
                <Typography variant="h6">Status</Typography>
                <span data-testid="run-status">
                  <StatusChip status={run.status} />
                </span>
                <Typography>
                  {done} of {run.steps.length} steps ·{' '}
                  {duration(run.startedAt, run.finishedAt)}
                </Typography>
                <Box flexGrow={1} />
                {mayCancel && !TERMINAL.includes(run.status) && (
                  <Button variant="outlined" onClick={() => act('cancel')}>
                    Cancel
                  </Button>
                )}
                {mayRetry && run.status === 'failed' && (
                  <Button
                    variant="contained"
                    color="primary"
                    onClick={() => act('retry')}
                  >
                    Retry failed steps
                  </Button>
                )}
              </Box>
              <LinearProgress
                variant="determinate"
                value={run.steps.length ? (100 * done) / run.steps.length : 0}
                style={{ marginTop: 12 }}
              />
              {run.error && (
                <Typography color="error" style={{ marginTop: 8 }}>
                  {run.error}
                </Typography>
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={6}>
            <InfoCard title="Steps">
              <StepGraph
                steps={run.steps.map(s => ({
                  id: s.stepId,
                  needs: s.needs,
                  status: s.status,
                  type: s.type,
                }))}
              />
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={6}>
            <Table<RunStep>
              title="Step details"
              options={{ paging: false, search: false, padding: 'dense' }}
              data={run.steps}
              columns={[
                { title: 'Step', field: 'stepId' },
                { title: 'Type', field: 'type' },
                {
                  title: 'Status',
                  render: s => <StatusChip status={s.status} />,
                },
                { title: 'Attempts', field: 'attempts' },
                {
                  title: 'Duration',
                  render: s => duration(s.startedAt, s.finishedAt),
                },
                { title: 'Note', render: s => s.error ?? s.reason ?? '' },
              ]}
            />
          </Grid>
          <Grid item xs={12}>
            <InfoCard title="Log">
              <Box
                component="pre"
                data-testid="run-log"
                style={{
                  maxHeight: 400,
                  overflow: 'auto',
                  margin: 0,
                  fontSize: 13,
                  background: '#111',
                  color: '#eee',
                  padding: 12,
                }}
              >
                {logs.length === 0
                  ? 'No output yet.'
                  : logs.map(l => `${l.stepId} │ ${l.data.line}`).join('\n')}
              </Box>
            </InfoCard>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
