import { useState } from 'react';
import { Link, ResponseErrorPanel, Table } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { gantryDriftManagePermission } from '@internal/plugin-gantry-common';
import { Box, Button } from '@material-ui/core';
import { DriftCheck, gantryDriftApiRef } from '../../api/DriftApi';
import { formatTime } from '../common/ApprovalSubject';
import { messageOf } from '../common/errors';
import { useCursorPages } from '../common/useCursorPages';
import { CheckStatusChip } from '../DriftChips';
import { useEnvironmentsPaths } from '../EnvironmentsRoutes/paths';

/** An environment's drift checks, newest first, with "Check now" for drift managers. */
export function DriftChecks(props: { environmentId: string; tenant?: string }) {
  const { environmentId, tenant } = props;
  const api = useApi(gantryDriftApiRef);
  const alertApi = useApi(alertApiRef);
  const paths = useEnvironmentsPaths();
  const { allowed: mayCheck } = usePermission({
    permission: gantryDriftManagePermission,
  });
  const [checking, setChecking] = useState(false);
  const checks = useCursorPages(
    cursor => api.listChecks(environmentId, { tenant, cursor, limit: 10 }),
    [api, environmentId, tenant],
  );
  const check = async () => {
    setChecking(true);
    try {
      await api.checkNow(environmentId, { tenant });
      checks.reload();
    } catch (e) {
      alertApi.post({ message: messageOf(e), severity: 'error' });
    } finally {
      setChecking(false);
    }
  };

  return (
    <>
      {checks.error && <ResponseErrorPanel error={checks.error} />}
      <Table<DriftCheck>
        title={
          <Box display="flex" alignItems="center" style={{ gap: 16 }}>
            Drift checks
            {mayCheck && (
              <Button
                size="small"
                variant="outlined"
                disabled={checking}
                onClick={check}
              >
                {checking ? 'Checking…' : 'Check now'}
              </Button>
            )}
          </Box>
        }
        options={{ paging: false, search: false, padding: 'dense' }}
        isLoading={checks.loading && checks.items.length === 0}
        data={checks.items}
        localization={{
          body: {
            emptyDataSourceMessage:
              'Not checked yet: checks run every 15 minutes.',
          },
        }}
        columns={[
          { title: 'Checked', render: c => formatTime(c.checkedAt) },
          { title: 'Trigger', field: 'trigger' },
          {
            title: 'Result',
            render: c => <CheckStatusChip value={c.status} />,
          },
          { title: 'Workflows', field: 'checkedWorkflows' },
          {
            title: 'Drifted',
            render: c =>
              c.drifted.map(d => `${d.name} (${d.kind})`).join(', ') || '—',
          },
          {
            title: 'Incident',
            render: c =>
              c.incidentId ? (
                <Link to={paths.incident(c.incidentId)}>{c.incidentId}</Link>
              ) : (
                ''
              ),
          },
          { title: 'Note', render: c => c.message ?? '' },
        ]}
      />
      {checks.more && (
        <Button onClick={checks.more} style={{ marginTop: 8 }}>
          Load more
        </Button>
      )}
    </>
  );
}
