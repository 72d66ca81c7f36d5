import { useEffect, useState } from 'react';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  DRIFT_SEVERITIES,
  gantryDriftManagePermission,
  INCIDENT_ACTIONS,
} from '@internal/plugin-gantry-common';
import {
  Box,
  Button,
  Checkbox,
  FormControlLabel,
  FormGroup,
  Grid,
  IconButton,
  MenuItem,
  Switch,
  TextField,
  Typography,
} from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  DriftPolicy,
  DriftSeverity,
  gantryDriftApiRef,
  IncidentAction,
} from '../../api/DriftApi';
import { messageOf } from '../common/errors';
import { useEnvironmentsPaths } from '../EnvironmentsRoutes/paths';
import { ACTION_LABELS } from '../IncidentPage/transitions';

/** The policy as edited: lists typed as text until saved. */
interface Draft {
  policy: DriftPolicy;
  approvers: string;
  rules: Array<{ workflow: string; pointers: string }>;
}

const CLASSES = ['dev', 'staging', 'production'] as const;

const SWITCHES: Array<[keyof DriftPolicy, string, string]> = [
  [
    'autoCreateIncidents',
    'Open incidents automatically',
    'A check that finds drift opens (or updates) an incident.',
  ],
  [
    'blockPromotionsOnActiveDrift',
    'Block promotions on active drift',
    'Promotions into an environment with an open incident are refused.',
  ],
  [
    'blockPromotionsOnExpiredIncidents',
    'Block promotions on expired incidents',
    'Promotions into an environment with an incident past its TTL are refused.',
  ],
  [
    'checkDevEnvironments',
    'Check dev environments',
    'Dev environments are skipped by scheduled checks unless this is on.',
  ],
];

const list = (text: string) =>
  text
    .split(/[\n,]/)
    .map(s => s.trim())
    .filter(Boolean);

function draftOf(policy: DriftPolicy): Draft {
  return {
    policy,
    approvers: policy.approvals.approvers.join(', '),
    rules: policy.ignoreDifferences.map(r => ({
      workflow: r.workflow ?? '',
      pointers: r.jsonPointers.join('\n'),
    })),
  };
}

function policyOf(draft: Draft): DriftPolicy {
  return {
    ...draft.policy,
    approvals: { ...draft.policy.approvals, approvers: list(draft.approvers) },
    ignoreDifferences: draft.rules
      .filter(r => r.workflow.trim() || r.pointers.trim())
      .map(r => ({
        ...(r.workflow.trim() ? { workflow: r.workflow.trim() } : {}),
        jsonPointers: list(r.pointers),
      })),
  };
}

function NumberField(props: {
  id: string;
  label: string;
  value: number;
  disabled: boolean;
  helperText?: string;
  onChange: (value: number) => void;
}) {
  return (
    <TextField
      id={props.id}
      label={props.label}
      type="number"
      value={Number.isNaN(props.value) ? '' : props.value}
      disabled={props.disabled}
      helperText={props.helperText}
      onChange={e =>
        props.onChange(Number(e.target.value === '' ? NaN : e.target.value))
      }
      margin="dense"
      style={{ marginRight: 16, width: 180 }}
    />
  );
}

/**
 * The tenant's drift policy: TTLs, deadlines, what blocks promotions, which
 * environments are checked and how severe their drift is, differences to
 * ignore, approvals of incident actions and retention. Only drift managers
 * may change it; the backend's reason for refusing a value is shown.
 */
export function DriftPolicySettings(props: { tenant?: string }) {
  const { tenant } = props;
  const api = useApi(gantryDriftApiRef);
  const alertApi = useApi(alertApiRef);
  const paths = useEnvironmentsPaths();
  const { allowed: mayManage } = usePermission({
    permission: gantryDriftManagePermission,
  });
  const [draft, setDraft] = useState<Draft | undefined>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const state = useAsyncRetry(() => api.getPolicy({ tenant }), [api, tenant]);
  useEffect(() => {
    if (state.value) setDraft(draftOf(state.value));
  }, [state.value]);

  if (state.error) return <ResponseErrorPanel error={state.error} />;
  if (!draft) return <Progress />;
  const { policy } = draft;
  const readOnly = !mayManage;
  const set = (patch: Partial<DriftPolicy>) =>
    setDraft({ ...draft, policy: { ...policy, ...patch } });

  const save = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const saved = await api.savePolicy(policyOf(draft), { tenant });
      setDraft(draftOf(saved));
      alertApi.post({
        message: 'Drift policy saved',
        severity: 'success',
        display: 'transient',
      });
    } catch (e) {
      setProblem(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <Typography variant="body2">
          <Link to={paths.drift}>Drift</Link> / Policy
        </Typography>
        {readOnly && (
          <Typography variant="body2" color="textSecondary">
            Only drift managers may change the policy.
          </Typography>
        )}
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Deadlines">
          <Typography variant="body2" color="textSecondary">
            Hours an incident of each severity has before it expires.
          </Typography>
          {DRIFT_SEVERITIES.map(s => (
            <NumberField
              key={s}
              id={`ttl-${s}`}
              label={`TTL ${s} (hours)`}
              value={policy.ttlHours[s]}
              disabled={readOnly}
              onChange={v => set({ ttlHours: { ...policy.ttlHours, [s]: v } })}
            />
          ))}
          <NumberField
            id="sla-warning"
            label="SLA warning (hours)"
            helperText="Owners are warned this long before expiry"
            value={policy.slaWarningHours}
            disabled={readOnly}
            onChange={v => set({ slaWarningHours: v })}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Checks and promotions">
          <FormGroup>
            {SWITCHES.map(([key, label, help]) => (
              <Box key={key} mb={1}>
                <FormControlLabel
                  control={
                    <Switch
                      color="primary"
                      checked={policy[key] as boolean}
                      disabled={readOnly}
                      onChange={e => set({ [key]: e.target.checked })}
                    />
                  }
                  label={label}
                />
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  {help}
                </Typography>
              </Box>
            ))}
          </FormGroup>
          <Typography variant="subtitle2" style={{ marginTop: 8 }}>
            Severity of new incidents by environment class
          </Typography>
          {CLASSES.map(c => (
            <TextField
              key={c}
              select
              id={`severity-${c}`}
              label={c}
              value={policy.severityByClass[c]}
              disabled={readOnly}
              onChange={e =>
                set({
                  severityByClass: {
                    ...policy.severityByClass,
                    [c]: e.target.value as DriftSeverity,
                  },
                })
              }
              margin="dense"
              style={{ marginRight: 16, width: 140 }}
            >
              {DRIFT_SEVERITIES.map(s => (
                <MenuItem key={s} value={s}>
                  {s}
                </MenuItem>
              ))}
            </TextField>
          ))}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Ignored differences">
          <Typography variant="body2" color="textSecondary">
            JSON pointers (one a line, e.g. <code>/settings/timezone</code>)
            removed from both sides before comparing; the workflow may be a
            name, <code>*</code> or a <code>prefix*</code> glob (empty: all).
          </Typography>
          {draft.rules.map((rule, i) => (
            <Box key={i} display="flex" alignItems="flex-start" data-rule={i}>
              <TextField
                id={`rule-${i}-workflow`}
                label="Workflow"
                value={rule.workflow}
                disabled={readOnly}
                onChange={e =>
                  setDraft({
                    ...draft,
                    rules: draft.rules.map((r, j) =>
                      j === i ? { ...r, workflow: e.target.value } : r,
                    ),
                  })
                }
                margin="dense"
                style={{ marginRight: 16, width: 180 }}
              />
              <TextField
                id={`rule-${i}-pointers`}
                label="JSON pointers"
                multiline
                value={rule.pointers}
                disabled={readOnly}
                onChange={e =>
                  setDraft({
                    ...draft,
                    rules: draft.rules.map((r, j) =>
                      j === i ? { ...r, pointers: e.target.value } : r,
                    ),
                  })
                }
                margin="dense"
                style={{ flexGrow: 1 }}
              />
              {!readOnly && (
                <IconButton
                  aria-label={`Remove rule ${i + 1}`}
                  onClick={() =>
                    setDraft({
                      ...draft,
                      rules: draft.rules.filter((_, j) => j !== i),
                    })
                  }
                >
                  ×
                </IconButton>
              )}
            </Box>
          ))}
          {!readOnly && (
            <Button
              size="small"
              onClick={() =>
                setDraft({
                  ...draft,
                  rules: [...draft.rules, { workflow: '', pointers: '' }],
                })
              }
            >
              Add rule
            </Button>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Approvals and retention">
          <Typography variant="body2" color="textSecondary">
            Incident actions that wait for approval in the inbox:
          </Typography>
          <FormGroup row>
            {INCIDENT_ACTIONS.map(action => (
              <FormControlLabel
                key={action}
                control={
                  <Checkbox
                    color="primary"
                    checked={policy.approvals.actions.includes(action)}
                    disabled={readOnly}
                    onChange={e =>
                      set({
                        approvals: {
                          ...policy.approvals,
                          actions: e.target.checked
                            ? [...policy.approvals.actions, action]
                            : policy.approvals.actions.filter(
                                (a: IncidentAction) => a !== action,
                              ),
                        },
                      })
                    }
                  />
                }
                label={ACTION_LABELS[action]}
              />
            ))}
          </FormGroup>
          <TextField
            id="approvers"
            label="Approvers"
            helperText="Users or groups, comma separated; empty means Gantry's admins"
            value={draft.approvers}
            disabled={readOnly}
            onChange={e => setDraft({ ...draft, approvers: e.target.value })}
            fullWidth
            margin="dense"
          />
          <NumberField
            id="required-approvals"
            label="Approvals required"
            value={policy.approvals.requiredApprovals}
            disabled={readOnly}
            onChange={v =>
              set({ approvals: { ...policy.approvals, requiredApprovals: v } })
            }
          />
          <Box>
            <NumberField
              id="retention-incidents"
              label="Keep closed incidents (days)"
              value={policy.retention.closedIncidentDays}
              disabled={readOnly}
              onChange={v =>
                set({
                  retention: { ...policy.retention, closedIncidentDays: v },
                })
              }
            />
            <NumberField
              id="retention-checks"
              label="Keep checks (days)"
              value={policy.retention.checkDays}
              disabled={readOnly}
              onChange={v =>
                set({ retention: { ...policy.retention, checkDays: v } })
              }
            />
          </Box>
        </InfoCard>
      </Grid>
      {!readOnly && (
        <Grid item xs={12}>
          <Box display="flex" alignItems="center" style={{ gap: 16 }}>
            <Button
              variant="contained"
              color="primary"
              disabled={busy}
              onClick={save}
            >
              {busy ? 'Saving…' : 'Save policy'}
            </Button>
            <Button
              disabled={busy}
              onClick={() => setDraft(draftOf(state.value!))}
            >
              Discard changes
            </Button>
            {problem && (
              <Typography color="error" role="alert">
                {problem}
              </Typography>
            )}
          </Box>
        </Grid>
      )}
    </Grid>
  );
}
