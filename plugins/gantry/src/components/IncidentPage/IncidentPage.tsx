import { useEffect, useRef, useState } from 'react';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  gantryDriftManagePermission,
  INCIDENT_ACTIONS,
  INCIDENT_STATES,
} from '@internal/plugin-gantry-common';
import {
  Box,
  Button,
  Grid,
  Step,
  StepLabel,
  Stepper,
  Tooltip,
  Typography,
} from '@material-ui/core';
import { useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  DriftIncident,
  gantryDriftApiRef,
  IncidentAction,
} from '../../api/DriftApi';
import { formatTime } from '../common/ApprovalSubject';
import { IncidentStateChip, SeverityChip, TtlCountdown } from '../DriftChips';
import { DriftedWorkflowView } from '../DriftedWorkflowView';
import { useEnvironmentsPaths } from '../EnvironmentsRoutes/paths';
import { AssignDialog } from './AssignDialog';
import { IncidentActionDialog } from './IncidentActionDialog';
import { IncidentHistory } from './IncidentHistory';
import { ACTION_LABELS, refusal } from './transitions';

/**
 * One drift incident: state, severity, owner, ticket and deadline, its
 * lifecycle with the actions its state allows, what drifted and its history.
 */
export function IncidentPage(props: { tenant?: string }) {
  const { tenant } = props;
  const { id = '' } = useParams();
  const api = useApi(gantryDriftApiRef);
  const alertApi = useApi(alertApiRef);
  const paths = useEnvironmentsPaths();
  const { allowed: mayManage } = usePermission({
    permission: gantryDriftManagePermission,
  });
  const [acting, setActing] = useState<IncidentAction | undefined>();
  const [assigning, setAssigning] = useState(false);
  const [updated, setUpdated] = useState<DriftIncident | undefined>();
  const state = useAsyncRetry(async () => {
    const incident = await api.getIncident(id, { tenant });
    setUpdated(undefined);
    return incident;
  }, [api, id, tenant]);
  // an approval decided elsewhere, or the scheduler, changes the incident
  // (retry changes with every load: reached through a ref, it wakes once per signal)
  const { lastSignal } = useSignal<{ incidentId: string }>('gantry:drift');
  const reload = useRef(state.retry);
  reload.current = state.retry;
  useEffect(() => {
    if (lastSignal?.incidentId === id) reload.current();
  }, [lastSignal, id]);

  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const incident = updated ?? state.value!;
  const step = INCIDENT_STATES.indexOf(incident.state);

  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <Typography variant="body2">
          <Link to={paths.drift}>Drift</Link> / {incident.id}
        </Typography>
      </Grid>
      <Grid item xs={12}>
        <InfoCard>
          <Box
            display="flex"
            alignItems="center"
            flexWrap="wrap"
            style={{ gap: 12 }}
          >
            <Typography variant="h5">{incident.title}</Typography>
            <span data-testid="incident-state">
              <IncidentStateChip value={incident.state} />
            </span>
            <SeverityChip value={incident.severity} />
            <TtlCountdown incident={incident} />
          </Box>
          <Box mt={2}>
            <StructuredMetadataTable
              metadata={{
                environment: (
                  <Link to={paths.environment(incident.environmentName)}>
                    {incident.environmentName}
                  </Link>
                ),
                owner: incident.owner ?? 'nobody yet',
                ticket: incident.ticketRef ?? 'none',
                workflows: incident.affectedWorkflows.join(', '),
                detected: formatTime(incident.detectedAt),
                deadline: formatTime(incident.expiresAt),
                ...(incident.resolution
                  ? {
                      resolution: `${incident.resolution}${
                        incident.resolutionNote
                          ? ` — ${incident.resolutionNote}`
                          : ''
                      }`,
                    }
                  : {}),
                ...(incident.closedAt
                  ? { closed: formatTime(incident.closedAt) }
                  : {}),
              }}
            />
          </Box>
        </InfoCard>
      </Grid>
      {incident.pendingApproval && (
        <Grid item xs={12}>
          <Box
            role="status"
            data-testid="pending-approval"
            p={2}
            borderRadius={4}
            style={{ background: '#e3f2fd', color: '#0d47a1' }}
          >
            Waiting for approval: {words(incident.pendingApproval.action)}{' '}
            (approval {incident.pendingApproval.id}). Approvers decide in the{' '}
            <Link to={paths.approvals}>approval inbox</Link>.
          </Box>
        </Grid>
      )}
      <Grid item xs={12}>
        <InfoCard title="Lifecycle">
          <Stepper
            activeStep={incident.state === 'CLOSED' ? step + 1 : step}
            alternativeLabel
          >
            {INCIDENT_STATES.map((s, i) => (
              <Step key={s} completed={i <= step}>
                <StepLabel>{s.toLowerCase()}</StepLabel>
              </Step>
            ))}
          </Stepper>
          {mayManage && (
            <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
              {INCIDENT_ACTIONS.map(action => {
                const why = refusal(
                  incident.state,
                  action,
                  incident.pendingApproval,
                );
                const button = (
                  <Button
                    variant={action === 'reconcile' ? 'contained' : 'outlined'}
                    color="primary"
                    disabled={why !== undefined}
                    onClick={() => setActing(action)}
                  >
                    {ACTION_LABELS[action]}
                  </Button>
                );
                return why ? (
                  <Tooltip key={action} title={why}>
                    <span>{button}</span>
                  </Tooltip>
                ) : (
                  <span key={action}>{button}</span>
                );
              })}
              <Box flexGrow={1} />
              {incident.state !== 'CLOSED' && (
                <Button onClick={() => setAssigning(true)}>
                  Owner and ticket
                </Button>
              )}
            </Box>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title={`What drifted (${incident.drift.length})`}>
          {incident.drift.length === 0 ? (
            <Typography variant="body2">
              No drifted workflow recorded.
            </Typography>
          ) : (
            incident.drift.map(d => (
              <DriftedWorkflowView key={d.name} drift={d} />
            ))
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="History">
          <IncidentHistory history={incident.history} />
        </InfoCard>
      </Grid>
      {acting && (
        <IncidentActionDialog
          incident={incident}
          action={acting}
          tenant={tenant}
          onClose={() => setActing(undefined)}
          onDone={result => {
            setUpdated(result.incident);
            alertApi.post({
              message: result.approval
                ? `${ACTION_LABELS[acting]} waits for approval ${result.approval.id}`
                : `Incident ${words(result.incident.state)}`,
              severity: result.approval ? 'info' : 'success',
              display: 'transient',
            });
          }}
        />
      )}
      {assigning && (
        <AssignDialog
          incident={incident}
          tenant={tenant}
          onClose={() => setAssigning(false)}
          onDone={setUpdated}
        />
      )}
    </Grid>
  );
}

function words(value: string) {
  return value.toLowerCase().replace(/_/g, ' ');
}
