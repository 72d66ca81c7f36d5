import { useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  gantryAdminPermission,
  gantryEnvironmentManagePermission,
} from '@internal/plugin-gantry-common';
import { Box, Button, Grid } from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryDriftApiRef } from '../../api/DriftApi';
import { formatTime } from '../common/ApprovalSubject';
import { messageOf } from '../common/errors';
import { shortHash } from '../EnvironmentChips/EnvironmentChips';
import { CanonicalMatrixTable } from './CanonicalMatrixTable';
import { CanonicalSourceDialog } from './CanonicalSourceDialog';
import { UntrackedList } from './UntrackedList';

/**
 * The canonical workflow repository: where it is, syncing it, which
 * environments run its versions, and onboarding of untracked workflows.
 */
export function CanonicalView(props: { tenant?: string }) {
  const { tenant } = props;
  const api = useApi(gantryDriftApiRef);
  const alertApi = useApi(alertApiRef);
  const { allowed: isAdmin } = usePermission({
    permission: gantryAdminPermission,
  });
  const { allowed: mayManage } = usePermission({
    permission: gantryEnvironmentManagePermission,
  });
  const [editing, setEditing] = useState(false);
  const [syncing, setSyncing] = useState(false);
  const state = useAsyncRetry(async () => {
    const [{ source }, matrix, untracked] = await Promise.all([
      api.getCanonicalSource({ tenant }),
      api.getCanonicalMatrix({ tenant }),
      api.listUntracked({ tenant }),
    ]);
    return { source, matrix, untracked: untracked.items };
  }, [api, tenant]);

  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const { source, matrix, untracked } = state.value!;

  const sync = async () => {
    setSyncing(true);
    try {
      const result = await api.syncCanonical({ tenant });
      alertApi.post({
        message: `Synced ${result.workflows.length} canonical workflows${
          result.source?.commit ? ` at ${shortHash(result.source.commit)}` : ''
        }`,
        severity: 'success',
        display: 'transient',
      });
      state.retry();
    } catch (e) {
      alertApi.post({ message: messageOf(e), severity: 'error' });
    } finally {
      setSyncing(false);
    }
  };

  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        {source ? (
          <InfoCard title="Canonical repository">
            <StructuredMetadataTable
              metadata={{
                repository: source.gitUrl,
                ref: source.ref,
                folder: source.path,
                commit: source.commit
                  ? shortHash(source.commit, 12)
                  : 'not synced',
                synced: source.syncedAt ? formatTime(source.syncedAt) : 'never',
                'set by': source.updatedBy,
              }}
            />
            <Box mt={2} display="flex" style={{ gap: 8 }}>
              {mayManage && (
                <Button
                  variant="contained"
                  color="primary"
                  disabled={syncing}
                  onClick={sync}
                >
                  {syncing ? 'Syncing…' : 'Sync from git'}
                </Button>
              )}
              {isAdmin && (
                <Button variant="outlined" onClick={() => setEditing(true)}>
                  Change repository
                </Button>
              )}
            </Box>
          </InfoCard>
        ) : (
          <EmptyState
            missing="data"
            title="No canonical repository"
            description={`Canonical workflows live in a git repository, one file a workflow. ${
              isAdmin
                ? 'Set it to compare every environment against it.'
                : "An admin sets it under Gantry's Environments → Canonical."
            }`}
            action={
              isAdmin ? (
                <Button
                  variant="contained"
                  color="primary"
                  onClick={() => setEditing(true)}
                >
                  Set repository
                </Button>
              ) : undefined
            }
          />
        )}
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Workflows × environments">
          <CanonicalMatrixTable matrix={matrix} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <UntrackedList
          items={untracked}
          tenant={tenant}
          mayOnboard={mayManage && source !== null}
          onOnboarded={state.retry}
        />
      </Grid>
      {editing && (
        <CanonicalSourceDialog
          source={source}
          tenant={tenant}
          onClose={() => setEditing(false)}
          onSaved={count => {
            alertApi.post({
              message: `Canonical repository set: ${count} workflows`,
              severity: 'success',
              display: 'transient',
            });
            state.retry();
          }}
        />
      )}
    </Grid>
  );
}
