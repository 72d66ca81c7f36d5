import { useState } from 'react';
import { InfoCard, Link } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  Button,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { DriftSummary, gantryDriftApiRef } from '../../api/DriftApi';
import { Environment } from '../../api/EnvironmentsApi';
import { formatTime } from '../common/ApprovalSubject';
import { messageOf } from '../common/errors';
import { CheckStatusChip } from '../DriftChips';
import { useEnvironmentsPaths } from '../EnvironmentsRoutes/paths';

/** Every environment with its last drift check and, for managers, "Check now". */
export function LastChecks(props: {
  tenant?: string;
  environments: Environment[];
  lastChecks: DriftSummary['lastChecks'];
  mayCheck: boolean;
  onChecked: () => void;
}) {
  const api = useApi(gantryDriftApiRef);
  const alertApi = useApi(alertApiRef);
  const paths = useEnvironmentsPaths();
  const [busy, setBusy] = useState<string | undefined>();
  const check = async (env: Environment) => {
    setBusy(env.id);
    try {
      const result = await api.checkNow(env.id, { tenant: props.tenant });
      alertApi.post({
        message:
          result.status === 'drift'
            ? `Drift found in ${env.name}: ${result.drifted
                .map(d => d.name)
                .join(', ')}`
            : `${env.name}: ${result.status}${
                result.message ? ` (${result.message})` : ''
              }`,
        severity: result.status === 'clean' ? 'success' : 'warning',
        display: 'transient',
      });
      props.onChecked();
    } catch (e) {
      alertApi.post({ message: messageOf(e), severity: 'error' });
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <InfoCard title="Last check per environment">
      {props.environments.length === 0 ? (
        <Typography variant="body2">No environments yet.</Typography>
      ) : (
        <Table size="small" aria-label="Last checks">
          <TableHead>
            <TableRow>
              <TableCell>Environment</TableCell>
              <TableCell>Result</TableCell>
              <TableCell>Checked</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {props.environments.map(env => {
              const last = props.lastChecks.find(
                c => c.environmentName === env.name,
              );
              return (
                <TableRow key={env.id} data-environment={env.name}>
                  <TableCell>
                    <Link to={paths.environment(env.name)}>{env.name}</Link>
                  </TableCell>
                  <TableCell>
                    {last ? <CheckStatusChip value={last.status} /> : 'never'}
                  </TableCell>
                  <TableCell>
                    {last ? formatTime(last.checkedAt) : ''}
                  </TableCell>
                  <TableCell align="right">
                    {props.mayCheck && (
                      <Button
                        size="small"
                        variant="outlined"
                        disabled={busy !== undefined}
                        aria-label={`Check ${env.name} now`}
                        onClick={() => check(env)}
                      >
                        {busy === env.id ? 'Checking…' : 'Check now'}
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
