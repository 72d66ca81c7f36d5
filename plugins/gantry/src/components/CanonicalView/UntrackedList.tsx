import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { gantryDriftApiRef, UntrackedWorkflow } from '../../api/DriftApi';
import { messageOf } from '../common/errors';
import { shortHash } from '../EnvironmentChips/EnvironmentChips';

/**
 * Workflows running in an environment but not in the canonical repository,
 * by environment; onboarding writes them to the repository.
 */
export function UntrackedList(props: {
  items: UntrackedWorkflow[];
  tenant?: string;
  mayOnboard: boolean;
  onOnboarded: () => void;
}) {
  const api = useApi(gantryDriftApiRef);
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState<string | undefined>();
  const byEnvironment = new Map<string, UntrackedWorkflow[]>();
  for (const item of props.items) {
    byEnvironment.set(item.environmentId, [
      ...(byEnvironment.get(item.environmentId) ?? []),
      item,
    ]);
  }

  const onboard = async (
    environmentId: string,
    environmentName: string,
    workflows?: string[],
  ) => {
    setBusy(`${environmentId}/${workflows?.join(',') ?? '*'}`);
    try {
      const result = await api.onboard(environmentId, workflows, {
        tenant: props.tenant,
      });
      alertApi.post({
        message: `Onboarded ${result.onboarded.join(
          ', ',
        )} from ${environmentName}${
          result.commit ? ` (commit ${shortHash(result.commit)})` : ''
        }`,
        severity: 'success',
        display: 'transient',
      });
      props.onOnboarded();
    } catch (e) {
      alertApi.post({ message: messageOf(e), severity: 'error' });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <InfoCard title="Untracked workflows">
      {props.items.length === 0 ? (
        <Typography variant="body2">
          Every workflow that runs is in the canonical repository.
        </Typography>
      ) : (
        [...byEnvironment.entries()].map(([environmentId, items]) => {
          const name = items[0].environmentName;
          return (
            <Box key={environmentId} mb={2} data-environment={name}>
              <Box display="flex" alignItems="center">
                <Typography variant="subtitle1">
                  {name} ({items.length})
                </Typography>
                <Box flexGrow={1} />
                {props.mayOnboard && (
                  <Button
                    size="small"
                    variant="outlined"
                    color="primary"
                    disabled={busy !== undefined}
                    aria-label={`Onboard all of ${name}`}
                    onClick={() => onboard(environmentId, name)}
                  >
                    Onboard all
                  </Button>
                )}
              </Box>
              <Table size="small" aria-label={`Untracked in ${name}`}>
                <TableHead>
                  <TableRow>
                    <TableCell>Workflow</TableCell>
                    <TableCell>Version</TableCell>
                    <TableCell>Active</TableCell>
                    <TableCell />
                  </TableRow>
                </TableHead>
                <TableBody>
                  {items.map(item => (
                    <TableRow key={item.name} data-workflow={item.name}>
                      <TableCell>{item.name}</TableCell>
                      <TableCell>
                        <code>{shortHash(item.hash)}</code>
                      </TableCell>
                      <TableCell>{item.active ? 'yes' : 'no'}</TableCell>
                      <TableCell align="right">
                        {props.mayOnboard && (
                          <Button
                            size="small"
                            disabled={busy !== undefined}
                            aria-label={`Onboard ${item.name} from ${name}`}
                            onClick={() =>
                              onboard(environmentId, name, [item.name])
                            }
                          >
                            Onboard
                          </Button>
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </Box>
          );
        })
      )}
    </InfoCard>
  );
}
