import { useState } from 'react';
import {
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Button, MenuItem, TextField } from '@material-ui/core';
import {
  DRIFT_SEVERITIES,
  INCIDENT_STATES,
} from '@internal/plugin-gantry-common';
import {
  DriftIncident,
  DriftSeverity,
  gantryDriftApiRef,
  IncidentState,
} from '../../api/DriftApi';
import { formatTime } from '../common/ApprovalSubject';
import { useCursorPages } from '../common/useCursorPages';
import { IncidentStateChip, SeverityChip, TtlCountdown } from '../DriftChips';
import { useEnvironmentsPaths } from '../EnvironmentsRoutes/paths';

function Filter(props: {
  id: string;
  label: string;
  value: string;
  options: Array<[string, string]>;
  onChange: (value: string) => void;
}) {
  return (
    <TextField
      select
      id={props.id}
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      style={{ minWidth: 160, marginRight: 16 }}
    >
      {props.options.map(([value, label]) => (
        <MenuItem key={value} value={value}>
          {label}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** Drift incidents, newest first, filtered by state, severity and environment. */
export function IncidentsTable(props: {
  tenant?: string;
  /** Environment names to filter by. */
  environments: string[];
  /** Bump to reload from the first page. */
  version?: number;
}) {
  const { tenant } = props;
  const api = useApi(gantryDriftApiRef);
  const paths = useEnvironmentsPaths();
  const [state, setState] = useState<IncidentState | 'open' | ''>('open');
  const [severity, setSeverity] = useState<DriftSeverity | ''>('');
  const [environment, setEnvironment] = useState('');
  const incidents = useCursorPages(
    cursor =>
      api.listIncidents({
        tenant,
        state: state || undefined,
        severity: severity || undefined,
        environment: environment || undefined,
        cursor,
      }),
    [api, tenant, state, severity, environment, props.version],
  );

  return (
    <>
      <Box display="flex" flexWrap="wrap" mb={1}>
        <Filter
          id="incident-state"
          label="State"
          value={state}
          onChange={v => setState(v as IncidentState | 'open' | '')}
          options={[
            ['open', 'open (not closed)'],
            ['', 'any'],
            ...INCIDENT_STATES.map(
              s => [s, s.toLowerCase()] as [string, string],
            ),
          ]}
        />
        <Filter
          id="incident-severity"
          label="Severity"
          value={severity}
          onChange={v => setSeverity(v as DriftSeverity | '')}
          options={[
            ['', 'any'],
            ...DRIFT_SEVERITIES.map(s => [s, s] as [string, string]),
          ]}
        />
        <Filter
          id="incident-environment"
          label="Environment"
          value={environment}
          onChange={setEnvironment}
          options={[
            ['', 'any'],
            ...props.environments.map(n => [n, n] as [string, string]),
          ]}
        />
      </Box>
      {incidents.error && <ResponseErrorPanel error={incidents.error} />}
      {incidents.loading && incidents.items.length === 0 ? (
        <Progress />
      ) : (
        <Table<DriftIncident>
          title="Incidents"
          options={{ paging: false, search: false, padding: 'dense' }}
          data={incidents.items}
          localization={{
            body: { emptyDataSourceMessage: 'No incident matches.' },
          }}
          columns={[
            {
              title: 'Incident',
              render: i => (
                <Link to={paths.incident(i.id)}>{i.title || i.id}</Link>
              ),
            },
            {
              title: 'State',
              render: i => <IncidentStateChip value={i.state} />,
            },
            {
              title: 'Severity',
              render: i => <SeverityChip value={i.severity} />,
            },
            {
              title: 'Environment',
              render: i => (
                <Link to={paths.environment(i.environmentName)}>
                  {i.environmentName}
                </Link>
              ),
            },
            {
              title: 'Workflows',
              render: i => i.affectedWorkflows.join(', '),
            },
            { title: 'Owner', render: i => i.owner ?? '—' },
            { title: 'TTL', render: i => <TtlCountdown incident={i} /> },
            { title: 'Detected', render: i => formatTime(i.detectedAt) },
          ]}
        />
      )}
      {incidents.more && (
        <Button onClick={incidents.more} style={{ marginTop: 8 }}>
          Load more
        </Button>
      )}
    </>
  );
}
